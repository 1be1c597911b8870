package dev.nbio.examples;

import java.nio.charset.StandardCharsets;

/**
 * The response statuses the HTTP example sends, each with its status line and the short
 * plain-text body of an error response made ready once, so answering costs no formatting.
 */
enum HttpStatus {
    /** The request succeeded. */
    OK(200, "OK"),
    /** The request is malformed, or asks for something this server refuses on principle (a {@code ..} path). */
    BAD_REQUEST(400, "Bad Request"),
    /** The file exists outside what the server may serve, or may not be read. */
    FORBIDDEN(403, "Forbidden"),
    /** No route and no file for the path. */
    NOT_FOUND(404, "Not Found"),
    /** A method other than GET or HEAD. */
    METHOD_NOT_ALLOWED(405, "Method Not Allowed"),
    /** The client sent part of a request and then nothing for the idle timeout. */
    REQUEST_TIMEOUT(408, "Request Timeout"),
    /** The declared body is larger than the server accepts. */
    CONTENT_TOO_LARGE(413, "Content Too Large"),
    /** The request line did not fit in the read buffer. */
    URI_TOO_LONG(414, "URI Too Long"),
    /** Too many header fields, or the header section did not fit in the read buffer. */
    REQUEST_HEADER_FIELDS_TOO_LARGE(431, "Request Header Fields Too Large"),
    /** Something failed on the server's side (a file that could not be stat'ed). */
    INTERNAL_SERVER_ERROR(500, "Internal Server Error"),
    /** A transfer coding (chunked request bodies) this server does not implement. */
    NOT_IMPLEMENTED(501, "Not Implemented"),
    /** An HTTP major version other than 1. */
    HTTP_VERSION_NOT_SUPPORTED(505, "HTTP Version Not Supported");

    private final int code;
    private final byte[] statusLine;
    private final byte[] errorBody;

    HttpStatus(int code, String reason) {
        this.code = code;
        // Always HTTP/1.1: a server answers with the highest version it supports, also to 1.0 clients (RFC 9110 6.2).
        this.statusLine = ("HTTP/1.1 " + code + " " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.errorBody = (code + " " + reason + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The numeric code, e.g. 404. */
    int code() {
        return code;
    }

    /** {@code HTTP/1.1 <code> <reason>\r\n}; shared, do not modify. */
    byte[] statusLine() {
        return statusLine;
    }

    /** The body sent with this status when it reports an error: {@code <code> <reason>\n}; shared, do not modify. */
    byte[] errorBody() {
        return errorBody;
    }
}
