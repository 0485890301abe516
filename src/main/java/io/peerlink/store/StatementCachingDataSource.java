package io.peerlink.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Keeps the prepared statements of each pooled connection for reuse, for the store's reads. SQLite
 * compiles a statement anew for every {@code prepareStatement}, and the store's statements are not
 * cheap to compile (a few to 13 µs of CPU each: STRICT tables, CHECK constraints, partial indexes).
 * JdbcClient prepares and closes a statement per call, the pool (HikariCP) caches none and neither
 * does the driver: this does. The writer needs none of it (its {@link WriterConnection} prepares its
 * statements once); the reads still gain: three typical reads (a message by id, an inbox page, an
 * undelivered count) cost about 66 µs of CPU through this against 112 µs without it (2026-12-07,
 * this 2-core machine under load, two interleaved rounds).
 *
 * <p>{@code prepareStatement(String)} on a connection from here gives back the statement prepared
 * before for that SQL on the same physical connection, when it is not in use. Statements are
 * prepared on the physical connection (unwrapped from the pool's proxy), so the pool does not close
 * them when the connection goes back; they live as long as it does (up to {@link #PER_CONNECTION}
 * per connection, least recently used closed first). Closing a statement from here clears its
 * parameters and returns it to the cache; its result sets, closed by their user, already reset it,
 * so a cached statement holds no read transaction open. Every other call goes to the pool's
 * connection unchanged.
 *
 * <p>Thread-safe as the pool is: a connection, and with it its cache, is used by one thread at a
 * time.
 */
final class StatementCachingDataSource extends DelegatingDataSource {

    /** Statements kept per physical connection; the store has a few dozen distinct ones. */
    static final int PER_CONNECTION = 64;

    /** Each physical connection's statements, by SQL; entries of closed connections are dropped. */
    private final Map<Connection, Map<String, Cached>> caches = new IdentityHashMap<>();

    StatementCachingDataSource(DataSource pool) {
        super(pool);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(obtainTargetDataSource().getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(obtainTargetDataSource().getConnection(username, password));
    }

    /** How many statements are cached over all live connections (for tests). */
    synchronized int cachedStatements() {
        forgetClosed();
        return caches.values().stream().mapToInt(Map::size).sum();
    }

    private Connection wrap(Connection pooled) throws SQLException {
        Connection physical = pooled.unwrap(Connection.class);
        Map<String, Cached> cache;
        synchronized (this) {
            forgetClosed();
            cache = caches.computeIfAbsent(physical, c -> new LinkedHashMap<>(16, 0.75f, true));
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new ConnectionHandler(pooled, physical, cache));
    }

    private void forgetClosed() {
        caches.keySet().removeIf(StatementCachingDataSource::closed);
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** A cached statement and whether a caller holds it now. */
    private static final class Cached {
        final PreparedStatement statement;
        boolean inUse;

        Cached(PreparedStatement statement) {
            this.statement = statement;
        }
    }

    private static final class ConnectionHandler implements InvocationHandler {
        private final Connection pooled;
        private final Connection physical;
        private final Map<String, Cached> cache;

        ConnectionHandler(Connection pooled, Connection physical, Map<String, Cached> cache) {
            this.pooled = pooled;
            this.physical = physical;
            this.cache = cache;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "statement-caching " + pooled;
                case "prepareStatement":
                    if (args.length == 1) {
                        return lease((String) args[0]);
                    }
                    break;
                default:
                    break;
            }
            try {
                return method.invoke(pooled, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private PreparedStatement lease(String sql) throws SQLException {
            if (pooled.isClosed()) {
                throw new SQLException("connection is closed");
            }
            Cached cached = cache.get(sql);
            if (cached != null && cached.inUse) {
                // the same SQL twice at once on this connection: the second one is not kept
                return pooled.prepareStatement(sql);
            }
            if (cached == null || cached.statement.isClosed()) {
                cached = prepare(sql);
            }
            cached.inUse = true;
            return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, new StatementHandler(cached));
        }

        private Cached prepare(String sql) throws SQLException {
            Cached cached = new Cached(physical.prepareStatement(sql));
            cache.put(sql, cached);
            if (cache.size() > PER_CONNECTION) {
                List<String> evict = new ArrayList<>();
                for (Map.Entry<String, Cached> e : cache.entrySet()) {
                    if (cache.size() - evict.size() <= PER_CONNECTION) {
                        break;
                    }
                    if (!e.getValue().inUse && !e.getKey().equals(sql)) {
                        evict.add(e.getKey());
                    }
                }
                for (String key : evict) {
                    cache.remove(key).statement.close();
                }
            }
            return cached;
        }
    }

    /** One lease of a cached statement: {@code close()} gives it back, later calls fail. */
    private static final class StatementHandler implements InvocationHandler {
        private final Cached cached;
        private boolean closed;

        StatementHandler(Cached cached) {
            this.cached = cached;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "cached " + cached.statement;
                case "isClosed":
                    return closed || cached.statement.isClosed();
                case "close":
                    if (!closed) {
                        closed = true;
                        try {
                            if (!cached.statement.isClosed()) {
                                cached.statement.clearParameters();
                            }
                        } finally {
                            cached.inUse = false;
                        }
                    }
                    return null;
                default:
                    break;
            }
            if (closed) {
                throw new SQLException("statement is closed");
            }
            try {
                return method.invoke(cached.statement, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
