/*
 * virtio-mmio transport (virtio 1.x spec, section 4.2), polled, for both the
 * legacy interface (Version 1: GuestPageSize/QueueAlign/QueuePFN) and the
 * modern one (Version 2: split descriptor/driver/device area addresses,
 * FEATURES_OK, VIRTIO_F_VERSION_1). Split virtqueues only, no interrupts.
 */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include <stdint.h>

#define VIRTIO_ID_NET     1
#define VIRTIO_ID_BLOCK   2
#define VIRTIO_ID_CONSOLE 3

struct virtio_mmio_dev {
	uintptr_t base;
	uint32_t version;     /* 1 = legacy, 2 = modern */
	uint32_t device_id;
};

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

#define VRING_DESC_F_NEXT  1
#define VRING_DESC_F_WRITE 2   /* device writes into the buffer */

struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];
};

struct virtq {
	uint16_t index;       /* queue number on the device */
	uint16_t num;         /* ring size */
	uint16_t last_used;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
};

/* Memory one queue needs: with the legacy 4 KiB QueueAlign, two pages for up to 8 entries. */
#define VIRTQ_MAX_NUM  8
#define VIRTQ_MEM_SIZE 8192

/* Finds the first virtio,mmio node whose device has the given DeviceID; 0 or -1. */
int virtio_mmio_find(uint32_t device_id, struct virtio_mmio_dev *dev);
/* Reset, ACKNOWLEDGE, DRIVER, feature negotiation (only VERSION_1 on modern devices). 0 or -1. */
int virtio_mmio_init(struct virtio_mmio_dev *dev);
/* Sets up queue `index` in mem (VIRTQ_MEM_SIZE bytes, 4 KiB aligned). 0 or -1. */
int virtio_mmio_setup_queue(struct virtio_mmio_dev *dev, struct virtq *vq, uint16_t index, void *mem);
void virtio_mmio_driver_ok(struct virtio_mmio_dev *dev);
/* Queues one device-readable buffer, notifies, and polls until the device used it. 0 or -1 (timeout). */
int virtq_send(struct virtio_mmio_dev *dev, struct virtq *vq, const void *buf, uint32_t len);

#endif
