/** Block storage backends: disk images behind block devices such as virtio-blk. */
package dev.armature.devices.block;
