package dev.neuralsearch.train.bi;

/** Training data that cannot be used: the message names the file (and line) and the reason. */
public class TrainingDataException extends IllegalArgumentException {
    public TrainingDataException(String message) {
        super(message);
    }

    public TrainingDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
