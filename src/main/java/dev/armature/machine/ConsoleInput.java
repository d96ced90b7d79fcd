package dev.armature.machine;

import dev.armature.devices.pl011.Pl011;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * Feeds host input (stdin) to the UART on a background thread. In multiplexed mode ({@code -nographic},
 * {@code -serial mon:stdio}) it honours QEMU's escape character: Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A,
 * Ctrl-A h lists the keys.
 */
public final class ConsoleInput implements Runnable {
    private static final int CTRL_A = 0x01;

    private final InputStream in;
    private final Pl011 uart;
    private final Machine machine;
    private final boolean mux;
    private final PrintStream messages;

    public ConsoleInput(InputStream in, Pl011 uart, Machine machine, boolean mux, PrintStream messages) {
        this.in = in;
        this.uart = uart;
        this.machine = machine;
        this.mux = mux;
        this.messages = messages;
    }

    public void start() {
        Thread.ofPlatform().name("console-input").daemon(true).start(this);
    }

    @Override
    public void run() {
        boolean escape = false;
        try {
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (mux && escape) {
                    escape = false;
                    switch (b) {
                        case 'x' -> {
                            messages.println("armature: terminated (Ctrl-A x)");
                            machine.exit(0);
                            return;
                        }
                        case 'h' -> messages.println("Ctrl-A x: quit; Ctrl-A Ctrl-A: send Ctrl-A; Ctrl-A h: help");
                        case CTRL_A -> uart.receive(CTRL_A);
                        default -> {
                            uart.receive(CTRL_A);
                            uart.receive(b);
                        }
                    }
                } else if (mux && b == CTRL_A) {
                    escape = true;
                } else {
                    uart.receive(b);
                }
            }
        } catch (IOException e) {
            // stdin closed or unreadable: the guest simply gets no more input
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
