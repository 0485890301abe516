package io.peerlink.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Collects what some loggers write during one test, through a logback {@link ListAppender}, and
 * answers questions about it. Lowers a logger to INFO while attached if it was set higher. Public
 * for the connection layer's tests too.
 */
public final class LogCapture implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> previousLevels = new ArrayList<>();

    private LogCapture(String... names) {
        Logger first = (Logger) LoggerFactory.getLogger(names[0]);
        appender.setContext(first.getLoggerContext());
        appender.start();
        for (String name : names) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            previousLevels.add(logger.getLevel());
            if (!logger.isInfoEnabled()) {
                logger.setLevel(Level.INFO);
            }
            logger.addAppender(appender);
            loggers.add(logger);
        }
    }

    public static LogCapture of(String... loggerNames) {
        return new LogCapture(loggerNames);
    }

    /** A copy of the events so far (the appender appends under its own lock). */
    public List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /**
     * Waits (at most 5 s) for an event at {@code level} whose formatted message contains every
     * fragment, and checks that it carries no stack trace.
     */
    public ILoggingEvent awaitWithoutStackTrace(Level level, String... fragments) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Optional<ILoggingEvent> found = find(level, fragments);
        while (found.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            found = find(level, fragments);
        }
        if (found.isEmpty()) {
            fail("no " + level + " event containing " + Arrays.toString(fragments) + " within " + WAIT.toMillis()
                    + " ms; logged:" + describe());
        }
        ILoggingEvent event = found.orElseThrow();
        assertThat(event.getThrowableProxy()).as("stack trace of: %s", event.getFormattedMessage()).isNull();
        return event;
    }

    /** No event at INFO or above carries a stack trace. */
    public void assertNoStackTraces() {
        for (ILoggingEvent e : events()) {
            if (e.getLevel().isGreaterOrEqual(Level.INFO)) {
                assertThat(e.getThrowableProxy()).as("stack trace of %s %s", e.getLevel(), e.getFormattedMessage())
                        .isNull();
            }
        }
    }

    public Optional<ILoggingEvent> find(Level level, String... fragments) {
        return events().stream()
                .filter(e -> e.getLevel() == level)
                .filter(e -> Arrays.stream(fragments).allMatch(e.getFormattedMessage()::contains))
                .findFirst();
    }

    public String describe() {
        StringBuilder b = new StringBuilder();
        for (ILoggingEvent e : events()) {
            b.append("\n  ").append(e.getLevel()).append(' ').append(e.getLoggerName()).append(": ")
                    .append(e.getFormattedMessage());
        }
        return b.toString();
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).detachAppender(appender);
            loggers.get(i).setLevel(previousLevels.get(i));
        }
        appender.stop();
    }
}
