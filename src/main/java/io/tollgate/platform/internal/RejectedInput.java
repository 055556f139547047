package io.tollgate.platform.internal;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.exc.MismatchedInputException;

/** A JSON value that parsed but cannot be accepted; the handler answers 400 naming its field. */
class RejectedInput extends MismatchedInputException {
    RejectedInput(JsonParser parser, String message) {
        super(parser, message);
    }
}
