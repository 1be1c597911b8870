package dev.nbio.spi;

import dev.nbio.AcceptError;
import dev.nbio.AcceptResult;
import dev.nbio.CloseError;
import dev.nbio.CloseResult;
import dev.nbio.DialError;
import dev.nbio.DialResult;
import dev.nbio.FileHandle;
import dev.nbio.FileType;
import dev.nbio.IoHandle;
import dev.nbio.OpenError;
import dev.nbio.OpenResult;
import dev.nbio.PollError;
import dev.nbio.PollEvent;
import dev.nbio.PollResult;
import dev.nbio.ReadError;
import dev.nbio.ReadResult;
import dev.nbio.RecvError;
import dev.nbio.RecvResult;
import dev.nbio.SendError;
import dev.nbio.SendResult;
import dev.nbio.SendfileError;
import dev.nbio.SendfileResult;
import dev.nbio.StatError;
import dev.nbio.StatResult;
import dev.nbio.TcpSocket;
import dev.nbio.WriteError;
import dev.nbio.WriteResult;
import java.net.InetSocketAddress;

/**
 * The typed result views of one record. Each view is created the first time it is asked
 * for and kept with the pooled record, so reading results allocates nothing in steady state.
 */
final class ResultViews {
    private final OperationRecord op;
    private Accept accept;
    private Dial dial;
    private Recv recv;
    private Send send;
    private Read read;
    private Write write;
    private Open open;
    private Stat stat;
    private Close close;
    private Poll poll;
    private Sendfile sendfile;

    ResultViews(OperationRecord op) {
        this.op = op;
    }

    AcceptResult accept() {
        return accept != null ? accept : (accept = new Accept());
    }

    DialResult dial() {
        return dial != null ? dial : (dial = new Dial());
    }

    RecvResult recv() {
        return recv != null ? recv : (recv = new Recv());
    }

    SendResult send() {
        return send != null ? send : (send = new Send());
    }

    ReadResult read() {
        return read != null ? read : (read = new Read());
    }

    WriteResult write() {
        return write != null ? write : (write = new Write());
    }

    OpenResult open() {
        return open != null ? open : (open = new Open());
    }

    StatResult stat() {
        return stat != null ? stat : (stat = new Stat());
    }

    CloseResult close() {
        return close != null ? close : (close = new Close());
    }

    PollResult poll() {
        return poll != null ? poll : (poll = new Poll());
    }

    SendfileResult sendfile() {
        return sendfile != null ? sendfile : (sendfile = new Sendfile());
    }

    // Read without making the extras: a TCP receive, a failed accept or stat never had them.
    private IoHandle result() {
        OperationExtras x = op.extrasIfAny();
        return x == null ? null : x.result;
    }

    private InetSocketAddress address() {
        OperationExtras x = op.extrasIfAny();
        return x == null ? null : x.address;
    }

    private final class Accept implements AcceptResult {
        @Override
        public TcpSocket client() {
            return (TcpSocket) result();
        }

        @Override
        public InetSocketAddress clientAddress() {
            return address();
        }

        @Override
        public AcceptError error() {
            return (AcceptError) op.error();
        }
    }

    private final class Dial implements DialResult {
        @Override
        public TcpSocket socket() {
            return (TcpSocket) result();
        }

        @Override
        public DialError error() {
            return (DialError) op.error();
        }
    }

    private final class Recv implements RecvResult {
        @Override
        public int received() {
            return (int) op.transferred;
        }

        @Override
        public InetSocketAddress source() {
            return address();
        }

        @Override
        public java.nio.ByteBuffer buffer() {
            OperationExtras x = op.extrasIfAny();
            return x == null ? null : x.provided;
        }

        @Override
        public RecvError error() {
            return (RecvError) op.error();
        }
    }

    private final class Send implements SendResult {
        @Override
        public int sent() {
            return (int) op.transferred;
        }

        @Override
        public SendError error() {
            return (SendError) op.error();
        }
    }

    private final class Read implements ReadResult {
        @Override
        public int read() {
            return (int) op.transferred;
        }

        @Override
        public ReadError error() {
            return (ReadError) op.error();
        }
    }

    private final class Write implements WriteResult {
        @Override
        public int written() {
            return (int) op.transferred;
        }

        @Override
        public WriteError error() {
            return (WriteError) op.error();
        }
    }

    private final class Open implements OpenResult {
        @Override
        public FileHandle file() {
            return (FileHandle) result();
        }

        @Override
        public OpenError error() {
            return (OpenError) op.error();
        }
    }

    private final class Stat implements StatResult {
        @Override
        public FileType type() {
            OperationExtras x = op.extrasIfAny();
            return x == null ? null : x.fileType;
        }

        @Override
        public long size() {
            OperationExtras x = op.extrasIfAny();
            return x == null ? 0 : x.fileSize;
        }

        @Override
        public StatError error() {
            return (StatError) op.error();
        }
    }

    private final class Close implements CloseResult {
        @Override
        public CloseError error() {
            return (CloseError) op.error();
        }
    }

    private final class Poll implements PollResult {
        @Override
        public PollEvent event() {
            return op.extras().pollEvent;
        }

        @Override
        public PollError error() {
            return (PollError) op.error();
        }
    }

    private final class Sendfile implements SendfileResult {
        @Override
        public long sent() {
            return op.transferred;
        }

        @Override
        public long total() {
            return op.extras().total;
        }

        @Override
        public boolean done() {
            return op.state != OperationRecord.State.PENDING;
        }

        @Override
        public SendfileError error() {
            return (SendfileError) op.error();
        }
    }
}
