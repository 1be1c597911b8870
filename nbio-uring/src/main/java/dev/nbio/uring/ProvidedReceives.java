package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.*;
import static dev.nbio.uring.Slots.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.nbio.UdpSocket;
import dev.nbio.internal.ProvidedBuffers;
import dev.nbio.internal.Transfers;
import dev.nbio.spi.Failure;
import dev.nbio.spi.OperationExtras;
import dev.nbio.spi.OperationRecord;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Receives into buffers the loop provides ({@code recvProvided}) for a notifier: a provided
 * buffer ring registered on first use, one multishot receive per stream that serves
 * consecutive receives, buffers held between them, and the hand-over to a later receive into
 * the caller's own buffers. Where the kernel has no buffer ring, a loop pool stands in.
 */
final class ProvidedReceives {
    /** Receives held per stream ahead of any recvProvided, before the multishot pauses. */
    private static final int RECV_BACKLOG = 16;
    /** In the SQE's ioprio for RECV: keep receiving, one CQE per buffer filled. */
    private static final short IORING_RECV_MULTISHOT = 1 << 1;

    private final UringNotifier notifier;
    /** The provided buffer ring, registered on first use. */
    private BufferRing bufferRing;
    /** Set when the kernel refused a buffer ring: receives then use {@link #fallbackBuffers}. */
    private boolean noBufferRing = !Boolean.parseBoolean(System.getProperty("nbio.uring.bufferRing", "true"));
    private final ProvidedBuffers fallbackBuffers = new ProvidedBuffers();
    /** Off when {@code -Dnbio.uring.multishotRecv=false}, or once the kernel refused it. */
    private boolean multishotRecv = Boolean.parseBoolean(System.getProperty("nbio.uring.multishotRecv", "true"));

    ProvidedReceives(UringNotifier notifier) {
        this.notifier = notifier;
    }

    /** Takes back the buffer a receive's callback had. */
    void giveBack(OperationRecord op) {
        giveBackId(op.extras().providedId);
    }

    /**
     * A receive into a buffer the kernel picks from the provided buffer ring when data
     * arrives; set up on first use. Where the kernel has no buffer rings, a buffer from the
     * loop's pool is taken now and the receive goes into it.
     */
    void receive(OperationRecord op) {
        int slot = Slots.slotOf(op);
        if (bufferRing == null && !noBufferRing) {
            try {
                bufferRing = BufferRing.register(notifier.ring, notifier.arena);
            } catch (IOException e) {
                noBufferRing = true;
            }
        }
        UringHandle handle = UringNotifier.handleOf(op);
        boolean datagram = handle.kind == UringHandle.Kind.DATAGRAM;
        if (!datagram && bufferRing != null && multishotRecv) {
            receiveFromMultishot(op, handle);
            return;
        }
        MemorySegment s = notifier.slots.scratchOf(slot);
        long base = Slots.base(slot);
        long bufferAddress = 0;
        int bufferLength = 0;
        if (bufferRing == null) {
            int id = fallbackBuffers.take();
            if (id < 0) {
                op.fail(Failure.INSUFFICIENT_RESOURCES, 0, new IOException("all " + ProvidedBuffers.COUNT
                        + " provided receive buffers are in use (nbio.recv.buffers)"));
                notifier.finishSlot(op);
                return;
            }
            op.extras().providedId = id;
            ByteBuffer buffer = fallbackBuffers.buffer(id).clear();
            bufferAddress = notifier.addressOf(buffer);
            bufferLength = buffer.capacity();
        }
        long sqe;
        if (datagram) {
            s.set(JAVA_LONG, base + IOVECS, bufferAddress);
            s.set(JAVA_LONG, base + IOVECS + 8, bufferRing != null ? bufferRing.bufferSize() : bufferLength);
            s.set(JAVA_LONG, base + MSGHDR + MSGHDR_NAME, notifier.slots.address(slot, SOCKADDR));
            s.set(JAVA_INT, base + MSGHDR + MSGHDR_NAMELEN, (int) SOCKADDR_STORAGE_SIZE);
            s.set(JAVA_LONG, base + MSGHDR + MSGHDR_IOV, notifier.slots.address(slot, IOVECS));
            s.set(JAVA_LONG, base + MSGHDR + MSGHDR_IOVLEN, 1);
            s.set(JAVA_LONG, base + MSGHDR + 32, 0L);
            s.set(JAVA_LONG, base + MSGHDR + 40, 0L);
            s.set(JAVA_INT, base + MSGHDR + MSGHDR_FLAGS, 0);
            sqe = notifier.ring.nextSqe();
            notifier.ring.prepare(sqe, IORING_OP_RECVMSG, handle.fd, notifier.slots.address(slot, MSGHDR), 1, 0, op.backendLong);
        } else {
            sqe = notifier.ring.nextSqe();
            notifier.ring.prepare(sqe, IORING_OP_RECV, handle.fd, bufferAddress, bufferLength, 0, op.backendLong);
        }
        if (bufferRing != null) {
            notifier.ring.sqeFlags(sqe, IOSQE_BUFFER_SELECT);
            notifier.ring.sqes().set(JAVA_SHORT, sqe + SQE_BUF_GROUP, BufferRing.GROUP);
        }
        notifier.linkDeadline(op, sqe);
    }

    /**
     * A recvProvided on a stream, served by one multishot receive per socket: data the kernel
     * put in a ring buffer before anyone asked is held (up to {@link #RECV_BACKLOG} buffers)
     * and handed to the next receive at once.
     */
    private void receiveFromMultishot(OperationRecord op, UringHandle handle) {
        if (handle.heldCount() > 0) {
            int id = handle.heldId();
            int offset = handle.heldOffset();
            int length = handle.heldLength();
            handle.dropHeld();
            OperationExtras extras = op.extras();
            extras.provided = offset == 0 ? bufferRing.deliver(id, length)
                    : bufferRing.deliver(id, offset + length).position(offset).slice();
            extras.providedId = id;
            op.transferred = length;
            notifier.finishSlot(op);
            return;
        }
        if (handle.heldEnd != UringHandle.NO_END) {
            endFromHeld(op, handle);
            return;
        }
        int slot = Slots.slotOf(op);
        notifier.slots.waiting[slot] = true;
        notifier.armWaitingTimer(op, slot);
        armMultishotRecv(handle);
    }

    /** The stream ended (0: the peer closed) or failed before this receive asked. */
    private void endFromHeld(OperationRecord op, UringHandle handle) {
        int end = handle.heldEnd;
        if (end < 0) {
            handle.heldEnd = UringHandle.NO_END; // an error is reported once; the end of stream stays
            notifier.failed(op, end, "recv");
        } else {
            op.transferred = 0;
            notifier.finishSlot(op);
        }
    }

    private void armMultishotRecv(UringHandle handle) {
        if (handle.recvArmed || handle.recvCancelling || !handle.isOpen()) {
            return;
        }
        notifier.register(handle);
        handle.owner = this;
        handle.recvArmed = true;
        long sqe = notifier.ring.nextSqe();
        notifier.ring.prepare(sqe, IORING_OP_RECV, handle.fd, 0, 0, 0, UringNotifier.MULTISHOT_RECV | handle.multishotIndex);
        notifier.ring.sqes().set(JAVA_SHORT, sqe + SQE_IOPRIO, IORING_RECV_MULTISHOT);
        notifier.ring.sqeFlags(sqe, IOSQE_BUFFER_SELECT);
        notifier.ring.sqes().set(JAVA_SHORT, sqe + SQE_BUF_GROUP, BufferRing.GROUP);
    }

    private void cancelMultishotRecv(UringHandle handle) {
        if (handle.recvArmed && !handle.recvCancelling) {
            handle.recvCancelling = true;
            long sqe = notifier.ring.nextSqe();
            notifier.ring.prepare(sqe, IORING_OP_ASYNC_CANCEL, -1, UringNotifier.MULTISHOT_RECV | handle.multishotIndex, 0, 0, UringNotifier.IGNORED);
        }
    }

    /** The receive at the head of a stream's queue, when it waits for the multishot. */
    private OperationRecord waitingHead(UringHandle handle) {
        OperationRecord head = handle.firstWaiting(true, op -> true);
        return head != null && notifier.slots.waiting[Slots.slotOf(head)] ? head : null;
    }

    void multishotReceived(int index, int result, int flags) {
        UringHandle handle = notifier.multishot(index);
        if (handle == null) {
            return;
        }
        boolean more = (flags & IORING_CQE_F_MORE) != 0;
        int id = (flags & IORING_CQE_F_BUFFER) != 0 ? flags >>> 16 : -1;
        if (!more) {
            handle.recvArmed = false;
            handle.recvCancelling = false;
        }
        if (!handle.isOpen()) {
            if (id >= 0) {
                bufferRing.giveBack(id);
            }
            releaseHeld(handle);
            notifier.unregister(handle);
            return;
        }
        OperationRecord head = waitingHead(handle);
        boolean providedHead = head != null && head.provideBuffer;
        if (result > 0) {
            if (providedHead) {
                handle.dequeue(true, head);
                notifier.slots.waiting[Slots.slotOf(head)] = false;
                OperationExtras extras = head.extras();
                extras.provided = bufferRing.deliver(id, result);
                extras.providedId = id;
                head.transferred = result;
                notifier.finishSlot(head);
                OperationRecord next = waitingHead(handle);
                if (next != null && !next.provideBuffer) {
                    cancelMultishotRecv(handle); // a receive into the caller's buffers is next
                }
            } else {
                handle.hold(id, result);
                if (handle.heldCount() >= RECV_BACKLOG || head != null) {
                    cancelMultishotRecv(handle);
                }
            }
        } else if (result == -UringErrors.EINVAL && !handle.everReceived) {
            multishotRecv = false; // this kernel has no multishot receive (before 6.0)
        } else if (result != -UringErrors.ECANCELED) {
            // 0: the peer closed; -ENOBUFS: every ring buffer is held; else a socket error.
            if (providedHead) {
                handle.dequeue(true, head);
                notifier.slots.waiting[Slots.slotOf(head)] = false;
                if (result == 0) {
                    head.transferred = 0;
                    notifier.finishSlot(head);
                } else {
                    notifier.failed(head, result, "recv");
                }
            } else if (result != -UringErrors.ENOBUFS) {
                handle.heldEnd = result;
            }
        }
        if (result > 0) {
            handle.everReceived = true;
        }
        if (!more) {
            OperationRecord next = waitingHead(handle);
            if (next != null) {
                notifier.slots.waiting[Slots.slotOf(next)] = false;
                notifier.start(next);
            }
        }
    }

    /** Puts back the ring buffers a closed stream still held. */
    void releaseHeld(UringHandle handle) {
        if (bufferRing != null) {
            while (handle.heldCount() > 0) {
                bufferRing.giveBack(handle.heldId());
                handle.dropHeld();
            }
        }
        notifier.unregister(handle);
    }

    /**
     * A receive into the caller's buffers on a stream that has received into provided buffers:
     * what was held comes first, and the multishot stops before the kernel is asked again.
     *
     * @return true when this took care of the receive
     */
    boolean receiveAfterMultishot(OperationRecord op, UringHandle handle) {
        if (bufferRing == null) {
            return false;
        }
        if (handle.heldCount() == 0 && handle.heldEnd == UringHandle.NO_END && !handle.recvArmed) {
            return false;
        }
        long copied = 0;
        while (handle.heldCount() > 0 && Transfers.remaining(op.buffers) > 0) {
            ByteBuffer held = bufferRing.deliver(handle.heldId(), handle.heldOffset() + handle.heldLength())
                    .position(handle.heldOffset());
            int before = held.position();
            for (ByteBuffer buffer : op.buffers) {
                int n = Math.min(buffer.remaining(), held.remaining());
                if (n > 0) {
                    buffer.put(buffer.position(), held, held.position(), n);
                    buffer.position(buffer.position() + n);
                    held.position(held.position() + n);
                }
            }
            int taken = held.position() - before;
            copied += taken;
            if (handle.consumeHeld(taken)) {
                bufferRing.giveBack(handle.heldId());
                handle.dropHeld();
            }
        }
        if (copied > 0 && Transfers.advance(op, copied)) {
            notifier.finishSlot(op);
            return true;
        }
        if (handle.heldCount() == 0 && handle.heldEnd != UringHandle.NO_END) {
            int end = handle.heldEnd;
            if (end < 0) {
                handle.heldEnd = UringHandle.NO_END;
                notifier.failed(op, end, "recv");
            } else {
                Transfers.advance(op, 0);
                notifier.finishSlot(op);
            }
            return true;
        }
        if (handle.recvArmed) {
            int slot = Slots.slotOf(op);
            notifier.slots.waiting[slot] = true;
            notifier.armWaitingTimer(op, slot);
            cancelMultishotRecv(handle);
            return true;
        }
        return false;
    }

    void received(OperationRecord op, int slot, int result, int flags) {
        OperationExtras extras = op.extras();
        int id = bufferRing != null ? ((flags & IORING_CQE_F_BUFFER) != 0 ? flags >>> 16 : -1) : extras.providedId;
        extras.providedId = -1;
        if (result <= 0) {
            if (id >= 0) {
                giveBackId(id);
            }
            if (result < 0) {
                notifier.failed(op, result, op.handle instanceof UdpSocket ? "recvmsg" : "recv");
                return;
            }
        } else {
            extras.provided = bufferRing != null ? bufferRing.deliver(id, result)
                    : fallbackBuffers.buffer(id).clear().limit(result);
            extras.providedId = id;
            op.transferred = result;
            if (op.handle instanceof UdpSocket) {
                extras.address = SocketAddresses.read(notifier.slots.scratchOf(slot), Slots.base(slot) + SOCKADDR);
            }
        }
        notifier.finishSlot(op);
    }

    void giveBackId(int id) {
        if (bufferRing != null) {
            bufferRing.giveBack(id);
        } else {
            fallbackBuffers.give(id);
        }
    }
}
