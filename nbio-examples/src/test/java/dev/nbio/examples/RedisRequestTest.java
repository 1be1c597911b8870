package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nbio.examples.RedisRequest.ProtocolError;
import dev.nbio.examples.RedisRequest.Status;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The in-place parser of Redis requests, inline and RESP, on its own. */
class RedisRequestTest {
    private static final int CAPACITY = 64;

    private final RedisRequest request = new RedisRequest();

    @Test
    void inlineRequestHasItsWordsAndEndsAfterTheLineEnd() {
        ByteBuffer buffer = buffer("PING  hello\tworld\r\nNEXT");
        assertEquals(Status.COMPLETE, request.parse(buffer, 0, buffer.position()));
        assertEquals(3, request.argumentCount());
        assertEquals("PING", text(buffer, request.nameStart(), request.nameLength()));
        assertEquals("hello", text(buffer, request.argumentStart(), request.argumentLength()));
        assertEquals("PING  hello\tworld\r\n".length(), request.end());
    }

    @Test
    void inlineLineMayEndWithABareNewline() {
        ByteBuffer buffer = buffer("ping\n");
        assertEquals(Status.COMPLETE, request.parse(buffer, 0, buffer.position()));
        assertEquals("ping", text(buffer, request.nameStart(), request.nameLength()));
        assertEquals(5, request.end());
    }

    @Test
    void blankLineAndEmptyArrayAreEmptyRequests() {
        for (String empty : new String[] {"\r\n", "   \n", "*0\r\n", "*-1\r\n"}) {
            ByteBuffer buffer = buffer(empty);
            assertEquals(Status.COMPLETE, request.parse(buffer, 0, buffer.position()), empty);
            assertEquals(0, request.argumentCount(), empty);
            assertEquals(empty.length(), request.end(), empty);
        }
    }

    @Test
    void respArrayHasItsBulkStringsBinarySafe() {
        ByteBuffer buffer = buffer("*2\r\n$4\r\nPING\r\n$6\r\na\r\nb \0\r\n");
        assertEquals(Status.COMPLETE, request.parse(buffer, 0, buffer.position()));
        assertEquals(2, request.argumentCount());
        assertEquals("PING", text(buffer, request.nameStart(), request.nameLength()));
        assertEquals("a\r\nb \0", text(buffer, request.argumentStart(), request.argumentLength()));
        assertEquals(buffer.position(), request.end());
    }

    @Test
    void everyProperPrefixOfARequestIsIncomplete() {
        for (String whole : new String[] {"*2\r\n$4\r\nPING\r\n$5\r\nhello\r\n", "PING hello\r\n"}) {
            ByteBuffer buffer = buffer(whole);
            for (int prefix = 0; prefix < whole.length(); prefix++) {
                assertEquals(Status.INCOMPLETE, request.parse(buffer, 0, prefix), "the first " + prefix + " bytes of " + whole);
            }
            assertEquals(Status.COMPLETE, request.parse(buffer, 0, whole.length()));
        }
    }

    @Test
    void parsesBackToBackRequestsFromWhereThePreviousEnded() {
        ByteBuffer buffer = buffer("PING\r\n*1\r\n$4\r\nQUIT\r\nECHO x\n");
        int next = 0;
        StringBuilder names = new StringBuilder();
        while (request.parse(buffer, next, buffer.position()) == Status.COMPLETE) {
            names.append(text(buffer, request.nameStart(), request.nameLength())).append(' ');
            next = request.end();
        }
        assertEquals("PING QUIT ECHO ", names.toString());
        assertEquals(buffer.position(), next);
    }

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                Arguments.of("*abc\r\n", ProtocolError.INVALID_MULTIBULK_LENGTH),
                Arguments.of("*1\n$4\r\nPING\r\n", ProtocolError.INVALID_MULTIBULK_LENGTH),
                Arguments.of("*" + (RedisRequest.MAX_ARGUMENTS + 1) + "\r\n", ProtocolError.INVALID_MULTIBULK_LENGTH),
                Arguments.of("*123456789012345678901234", ProtocolError.INVALID_MULTIBULK_LENGTH),
                Arguments.of("*1\r\n+PING\r\n", ProtocolError.EXPECTED_BULK_STRING),
                Arguments.of("*1\r\n$x\r\n", ProtocolError.INVALID_BULK_LENGTH),
                Arguments.of("*1\r\n$-1\r\n", ProtocolError.INVALID_BULK_LENGTH),
                Arguments.of("*1\r\n$" + (CAPACITY + 1) + "\r\n", ProtocolError.INVALID_BULK_LENGTH),
                Arguments.of("*1\r\n$4\r\nPINGxx", ProtocolError.UNTERMINATED_BULK_STRING),
                Arguments.of("x".repeat(CAPACITY), ProtocolError.TOO_BIG_INLINE_REQUEST),
                // 64 bytes, the whole buffer, and the last string has not arrived.
                Arguments.of("*3\r\n$4\r\nPING\r\n$30\r\n" + "y".repeat(30) + "\r\n$30\r\n" + "z".repeat(8),
                        ProtocolError.TOO_BIG_REQUEST));
    }

    @ParameterizedTest
    @MethodSource("malformedRequests")
    void malformedRequestIsNamed(String input, ProtocolError expected) {
        ByteBuffer buffer = buffer(input);
        assertEquals(Status.MALFORMED, request.parse(buffer, 0, buffer.position()), input);
        assertEquals(expected, request.error());
    }

    @Test
    void wrongElementTypeRemembersTheByteFound() {
        ByteBuffer buffer = buffer("*1\r\n:1\r\n");
        assertEquals(Status.MALFORMED, request.parse(buffer, 0, buffer.position()));
        assertEquals(ProtocolError.EXPECTED_BULK_STRING, request.error());
        assertEquals(':', request.unexpected());
    }

    /** A buffer of {@link #CAPACITY} bytes holding the text at {@code [0, position)}. */
    private static ByteBuffer buffer(String text) {
        ByteBuffer buffer = ByteBuffer.allocate(CAPACITY);
        buffer.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return buffer;
    }

    private static String text(ByteBuffer buffer, int start, int length) {
        byte[] bytes = new byte[length];
        buffer.get(start, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
