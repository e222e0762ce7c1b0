package dev.lodestar.inference.auth;

/** A token that is malformed, expired, wrongly signed, or meant for someone else; the message says which. */
public final class InvalidTokenException extends Exception {

    InvalidTokenException(String message) {
        super(message);
    }
}
