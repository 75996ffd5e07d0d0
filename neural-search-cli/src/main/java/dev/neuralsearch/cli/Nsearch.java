package dev.neuralsearch.cli;

import dev.neuralsearch.encoder.ModelMismatchException;
import dev.neuralsearch.encoder.ModelNotFoundException;
import dev.neuralsearch.onnx.OnnxException;
import dev.neuralsearch.tokenize.TokenizerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The {@code nsearch} command line. */
@Command(name = "nsearch", mixinStandardHelpOptions = true, version = "nsearch 0.1.0-SNAPSHOT",
        description = "Embedded semantic search: encode, index, search and rerank text on the JVM.",
        subcommands = {DemoCommand.class, EmbedCommand.class, IndexCommand.class, SearchCommand.class,
                StatsCommand.class, EvalCommand.class, ServeCommand.class, ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class Nsearch implements Runnable {

    /** Exit code of a user error (bad input, missing file, bad model): a message, no stack trace. */
    public static final int EXIT_USER_ERROR = 1;
    /** Exit code of an unexpected failure (a bug): the stack trace is printed. */
    public static final int EXIT_INTERNAL_ERROR = 70;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** A configured command line, for {@link #main} and for running commands in-process (tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Nsearch());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** User errors become one line on stderr and exit code 1; anything else also prints the stack trace. */
    static final class ErrorHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
            String command = cl.getCommandSpec().qualifiedName();
            if (isUserError(e)) {
                cl.getErr().println(command + ": error: " + message(e));
                cl.getErr().flush();
                return EXIT_USER_ERROR;
            }
            cl.getErr().println(command + ": internal error: " + message(e));
            e.printStackTrace(cl.getErr());
            cl.getErr().flush();
            return EXIT_INTERNAL_ERROR;
        }

        /** Bad input, a missing or wrong model, an index that is locked, incompatible or damaged. */
        private static boolean isUserError(Throwable e) {
            return e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof IOException || e instanceof UncheckedIOException || e instanceof UserError
                    || e instanceof ModelNotFoundException || e instanceof ModelMismatchException
                    || e instanceof OnnxException || e instanceof TokenizerException;
        }

        /** The message, followed by the causes' messages where they add something. */
        private static String message(Throwable e) {
            StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage() != null ? e.getMessage() : e));
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                String m = c.getMessage();
                if (m != null && !sb.toString().contains(m)) {
                    sb.append(": ").append(m);
                }
            }
            return sb.toString();
        }
    }

    /** A failure whose message is all the user needs. */
    static final class UserError extends RuntimeException {
        UserError(String message) {
            super(message);
        }

        UserError(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
