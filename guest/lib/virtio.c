/* virtio-mmio transport driver; register layout from the virtio 1.1 spec, 4.2.2 and 4.2.4. */
#include <stddef.h>
#include "virtio.h"
#include "fdt.h"
#include "string.h"
#include "sysreg.h"

#define VIRTIO_MMIO_MAGIC_VALUE       0x000
#define VIRTIO_MMIO_VERSION           0x004
#define VIRTIO_MMIO_DEVICE_ID         0x008
#define VIRTIO_MMIO_DEVICE_FEATURES   0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES   0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE   0x028   /* legacy */
#define VIRTIO_MMIO_QUEUE_SEL         0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX     0x034
#define VIRTIO_MMIO_QUEUE_NUM         0x038
#define VIRTIO_MMIO_QUEUE_ALIGN       0x03c   /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN         0x040   /* legacy */
#define VIRTIO_MMIO_QUEUE_READY       0x044   /* modern */
#define VIRTIO_MMIO_QUEUE_NOTIFY      0x050
#define VIRTIO_MMIO_STATUS            0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW    0x080   /* modern from here on */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH   0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW  0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW  0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4

#define VIRTIO_MMIO_MAGIC 0x74726976   /* "virt" */

#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER      2
#define STATUS_DRIVER_OK   4
#define STATUS_FEATURES_OK 8
#define STATUS_FAILED      0x80

#define VIRTIO_F_VERSION_1_HI (1u << 0)   /* feature bit 32 */

#define LEGACY_PAGE_SIZE 4096

static uint32_t rd(struct virtio_mmio_dev *dev, uint32_t reg)
{
	return readl(dev->base + reg);
}

static void wr(struct virtio_mmio_dev *dev, uint32_t reg, uint32_t v)
{
	writel(v, dev->base + reg);
}

int virtio_mmio_find(uint32_t device_id, struct virtio_mmio_dev *dev)
{
	for (int n = dt_find_compatible(-1, "virtio,mmio"); n >= 0;
	     n = dt_find_compatible(n, "virtio,mmio")) {
		uint64_t base;
		if (dt_get_reg(n, 0, &base, NULL) != 0)
			continue;
		uintptr_t b = (uintptr_t)base;
		if (readl(b + VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
			continue;
		/* DeviceID 0 marks an empty slot. */
		if (readl(b + VIRTIO_MMIO_DEVICE_ID) != device_id)
			continue;
		dev->base = b;
		dev->version = readl(b + VIRTIO_MMIO_VERSION);
		dev->device_id = device_id;
		return dev->version == 1 || dev->version == 2 ? 0 : -1;
	}
	return -1;
}

int virtio_mmio_init(struct virtio_mmio_dev *dev)
{
	wr(dev, VIRTIO_MMIO_STATUS, 0);   /* reset */
	wr(dev, VIRTIO_MMIO_STATUS, STATUS_ACKNOWLEDGE);
	wr(dev, VIRTIO_MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);

	if (dev->version == 1) {
		/* Legacy: accept no features; queues are placed in guest pages. */
		wr(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
		wr(dev, VIRTIO_MMIO_DRIVER_FEATURES, 0);
		wr(dev, VIRTIO_MMIO_GUEST_PAGE_SIZE, LEGACY_PAGE_SIZE);
		return 0;
	}

	/* Modern: a device that does not offer VERSION_1 cannot be driven by this transport. */
	wr(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	if (!(rd(dev, VIRTIO_MMIO_DEVICE_FEATURES) & VIRTIO_F_VERSION_1_HI))
		goto fail;
	wr(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(dev, VIRTIO_MMIO_DRIVER_FEATURES, 0);
	wr(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(dev, VIRTIO_MMIO_DRIVER_FEATURES, VIRTIO_F_VERSION_1_HI);
	wr(dev, VIRTIO_MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
	if (!(rd(dev, VIRTIO_MMIO_STATUS) & STATUS_FEATURES_OK))
		goto fail;
	return 0;
fail:
	wr(dev, VIRTIO_MMIO_STATUS, rd(dev, VIRTIO_MMIO_STATUS) | STATUS_FAILED);
	return -1;
}

static void wr64(struct virtio_mmio_dev *dev, uint32_t lo_reg, const void *p)
{
	uint64_t a = (uintptr_t)p;
	wr(dev, lo_reg, (uint32_t)a);
	wr(dev, lo_reg + 4, (uint32_t)(a >> 32));
}

int virtio_mmio_setup_queue(struct virtio_mmio_dev *dev, struct virtq *vq, uint16_t index, void *mem)
{
	wr(dev, VIRTIO_MMIO_QUEUE_SEL, index);
	if (dev->version == 2 && rd(dev, VIRTIO_MMIO_QUEUE_READY))
		return -1;
	uint32_t max = rd(dev, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (max == 0)
		return -1;
	uint16_t num = max < VIRTQ_MAX_NUM ? (uint16_t)max : VIRTQ_MAX_NUM;

	/* Legacy layout (also valid for modern): descriptors, available ring, used ring on the next page. */
	memset(mem, 0, VIRTQ_MEM_SIZE);
	uint8_t *base = mem;
	vq->index = index;
	vq->num = num;
	vq->last_used = 0;
	vq->desc = (struct vring_desc *)base;
	vq->avail = (struct vring_avail *)(base + 16 * num);
	vq->used = (struct vring_used *)(base + LEGACY_PAGE_SIZE);

	wr(dev, VIRTIO_MMIO_QUEUE_NUM, num);
	if (dev->version == 1) {
		wr(dev, VIRTIO_MMIO_QUEUE_ALIGN, LEGACY_PAGE_SIZE);
		wr(dev, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)((uintptr_t)mem / LEGACY_PAGE_SIZE));
	} else {
		wr64(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, vq->desc);
		wr64(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, vq->avail);
		wr64(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, vq->used);
		wr(dev, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	return 0;
}

void virtio_mmio_driver_ok(struct virtio_mmio_dev *dev)
{
	wr(dev, VIRTIO_MMIO_STATUS, rd(dev, VIRTIO_MMIO_STATUS) | STATUS_DRIVER_OK);
}

int virtq_send(struct virtio_mmio_dev *dev, struct virtq *vq, const void *buf, uint32_t len)
{
	uint16_t slot = vq->avail->idx % vq->num;
	vq->desc[slot].addr = (uintptr_t)buf;
	vq->desc[slot].len = len;
	vq->desc[slot].flags = 0;
	vq->desc[slot].next = 0;
	vq->avail->ring[slot] = slot;
	dmb(ishst);                       /* descriptor before index */
	vq->avail->idx++;
	dsb(st);                          /* index before notification */
	wr(dev, VIRTIO_MMIO_QUEUE_NOTIFY, vq->index);

	for (unsigned long spin = 0; spin < 10000000; spin++) {
		if (*(volatile uint16_t *)&vq->used->idx != vq->last_used) {
			vq->last_used++;
			return 0;
		}
		cpu_relax();
	}
	return -1;
}
