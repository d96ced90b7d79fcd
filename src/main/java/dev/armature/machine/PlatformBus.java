package dev.armature.machine;

import java.util.ArrayList;
import java.util.List;

import static dev.armature.machine.VirtMemoryMap.PLATFORM_BUS_BASE;
import static dev.armature.machine.VirtMemoryMap.PLATFORM_BUS_SIZE;
import static dev.armature.machine.VirtMemoryMap.PLATFORM_BUS_SPI;

/**
 * Where the {@code virt} board's dynamically added devices sit on the platform bus: in command-line order, the
 * DMA test engine first ({@code -device armature-dma}), then each {@code -device vfio-platform}; register
 * windows packed upwards from {@link VirtMemoryMap#PLATFORM_BUS_BASE}, one SPI each from
 * {@link VirtMemoryMap#PLATFORM_BUS_SPI}. The board and its device tree both place devices from this one layout.
 */
public final class PlatformBus {
    /** The bus's SPIs, 112..175 as QEMU gives them. */
    public static final int SPI_COUNT = 64;

    /** One device: its window at bus offset {@code offset} of {@code size} bytes, and its SPI. */
    public record Slot(long offset, long size, int spi) {
        public long base() {
            return PLATFORM_BUS_BASE + offset;
        }
    }

    /** The DMA engine's slot, or null without one. */
    private final Slot dma;
    /** The slots of {@link VirtConfig#vfio()}, in order. */
    private final List<Slot> vfio;

    private PlatformBus(Slot dma, List<Slot> vfio) {
        this.dma = dma;
        this.vfio = List.copyOf(vfio);
    }

    /** The layout of {@code config}'s platform devices. */
    public static PlatformBus layout(VirtConfig config) {
        long offset = 0;
        int spi = PLATFORM_BUS_SPI;
        Slot dma = null;
        if (config.dma() != VirtConfig.Dma.NONE) {
            dma = new Slot(offset, PlatformDma.REG_SIZE, spi++);
            offset += PlatformDma.REG_SIZE;
        }
        List<Slot> vfio = new ArrayList<>();
        for (int i = 0; i < config.vfio().size(); i++) {
            vfio.add(new Slot(offset, PlatformVfio.WINDOW_SIZE, spi++));
            offset += PlatformVfio.WINDOW_SIZE;
        }
        if (offset > PLATFORM_BUS_SIZE || spi > PLATFORM_BUS_SPI + SPI_COUNT) {
            throw new IllegalArgumentException("the platform bus is full");
        }
        return new PlatformBus(dma, vfio);
    }

    /** The DMA engine's slot; null without one. */
    public Slot dma() {
        return dma;
    }

    /** The slot of the {@code i}-th assigned device. */
    public Slot vfio(int i) {
        return vfio.get(i);
    }
}
