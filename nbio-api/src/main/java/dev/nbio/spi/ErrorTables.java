package dev.nbio.spi;

import dev.nbio.AcceptError;
import dev.nbio.CloseError;
import dev.nbio.DialError;
import dev.nbio.OpError;
import dev.nbio.OpenError;
import dev.nbio.OperationKind;
import dev.nbio.PollError;
import dev.nbio.ReadError;
import dev.nbio.RecvError;
import dev.nbio.SendError;
import dev.nbio.SendfileError;
import dev.nbio.StatError;
import dev.nbio.WriteError;
import java.util.EnumMap;
import java.util.Map;

/**
 * Maps a backend-neutral {@link Failure} to the error enum of an operation kind: the
 * constant of the same name, else {@code UNEXPECTED}. Tables are built once, so the lookup
 * on the callback path is two array reads.
 */
final class ErrorTables {
    private static final Map<OperationKind, OpError[]> TABLES = new EnumMap<>(OperationKind.class);

    static {
        TABLES.put(OperationKind.ACCEPT, table(AcceptError.class, AcceptError.UNEXPECTED));
        TABLES.put(OperationKind.DIAL, table(DialError.class, DialError.UNEXPECTED));
        TABLES.put(OperationKind.RECV, table(RecvError.class, RecvError.UNEXPECTED));
        TABLES.put(OperationKind.SEND, table(SendError.class, SendError.UNEXPECTED));
        TABLES.put(OperationKind.READ, table(ReadError.class, ReadError.UNEXPECTED));
        TABLES.put(OperationKind.WRITE, table(WriteError.class, WriteError.UNEXPECTED));
        TABLES.put(OperationKind.OPEN, table(OpenError.class, OpenError.UNEXPECTED));
        TABLES.put(OperationKind.STAT, table(StatError.class, StatError.UNEXPECTED));
        TABLES.put(OperationKind.CLOSE, table(CloseError.class, CloseError.UNEXPECTED));
        TABLES.put(OperationKind.POLL, table(PollError.class, PollError.UNEXPECTED));
        TABLES.put(OperationKind.SENDFILE, table(SendfileError.class, SendfileError.UNEXPECTED));
    }

    private ErrorTables() {
    }

    private static <E extends Enum<E> & OpError> OpError[] table(Class<E> type, E unexpected) {
        Failure[] failures = Failure.values();
        OpError[] table = new OpError[failures.length];
        for (Failure failure : failures) {
            table[failure.ordinal()] = unexpected;
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(failure.name())) {
                    table[failure.ordinal()] = constant;
                }
            }
        }
        return table;
    }

    /**
     * The error of an operation kind for a failure.
     *
     * @param kind    the operation kind
     * @param failure the failure
     * @return the kind's error constant
     * @throws IllegalStateException for kinds that cannot fail (timeout, next tick)
     */
    static OpError map(OperationKind kind, Failure failure) {
        OpError[] table = TABLES.get(kind);
        if (table == null) {
            throw new IllegalStateException(kind + " operations cannot fail, but one reported " + failure);
        }
        return table[failure.ordinal()];
    }
}
