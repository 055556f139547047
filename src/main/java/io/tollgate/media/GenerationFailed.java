package io.tollgate.media;

/**
 * A backend could not make the result. The message is stored on the job and shown to the caller,
 * so it is short and never carries an upstream's body.
 */
class GenerationFailed extends RuntimeException {
    static final int MAX_MESSAGE_LENGTH = 300;

    GenerationFailed(String message) {
        super(message.length() > MAX_MESSAGE_LENGTH ? message.substring(0, MAX_MESSAGE_LENGTH) : message, null, false, false);
    }
}
