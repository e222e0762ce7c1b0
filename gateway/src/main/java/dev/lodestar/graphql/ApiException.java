package dev.lodestar.graphql;

/**
 * A refusal with a stable code and a message for people. Thrown by services; the API layer shows code and
 * message and nothing else (no class names, no stack traces).
 */
public class ApiException extends RuntimeException {

    /** Longest message a caller gets back: one quoting a huge value of theirs is cut, not echoed whole. */
    static final int MAX_MESSAGE = 1000;

    private final ErrorCode code;

    public ApiException(ErrorCode code, String message) {
        super(shortened(message), null, false, false);
        this.code = code;
    }

    /** {@code message}, cut to {@link #MAX_MESSAGE} characters when longer. */
    public static String shortened(String message) {
        if (message == null || message.length() <= MAX_MESSAGE) {
            return message;
        }
        int keep = MAX_MESSAGE - 40;
        if (Character.isHighSurrogate(message.charAt(keep - 1))) {
            keep--;
        }
        return message.substring(0, keep) + "… (" + (message.length() - keep) + " more characters)";
    }

    public ErrorCode code() {
        return code;
    }

    public static ApiException notFound(String message) {
        return new ApiException(ErrorCode.NOT_FOUND, message);
    }

    public static ApiException invalid(String message) {
        return new ApiException(ErrorCode.INVALID_ARGUMENT, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(ErrorCode.CONFLICT, message);
    }
}
