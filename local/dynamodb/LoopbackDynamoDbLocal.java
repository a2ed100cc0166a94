import com.almworks.sqlite4java.SQLiteConnection;
import com.almworks.sqlite4java.SQLiteException;
import com.almworks.sqlite4java.SQLiteJob;
import com.almworks.sqlite4java.SQLiteQueue;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Starts DynamoDB Local with its HTTP connector bound to 127.0.0.1. The jar has no host option and
 * listens on every interface, which would expose local CRM data (personal data included) to the network.
 * Takes DynamoDB Local's own command-line arguments.
 *
 * With -Dcrm.sqlite.journal=WAL (and -Dcrm.sqlite.synchronous=FULL or NORMAL) it also switches the database
 * to SQLite's write-ahead log before the first request: DynamoDB Local commits every write as its own SQLite
 * transaction, and in the default rollback-journal mode each commit costs three fsyncs and a file delete.
 * -Dcrm.sqlite.cacheMb=N sets the connection's page cache (SQLite's default is 2 MB): with the default, every
 * query past the first few thousand items reads its pages back through the OS, and the rules' daily index
 * queries in `crm demo` took three times as long.
 */
public final class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Server jetty = (Server) field(DynamoDBProxyServer.class, "server").get(proxy);
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector) ((ServerConnector) connector).setHost("127.0.0.1");
    }
    String journal = System.getProperty("crm.sqlite.journal");
    String synchronous = System.getProperty("crm.sqlite.synchronous");
    if (journal != null && !journal.matches("(?i)WAL|DELETE|TRUNCATE|PERSIST")) throw new IllegalArgumentException("crm.sqlite.journal: " + journal);
    if (synchronous != null && !synchronous.matches("(?i)NORMAL|FULL|EXTRA")) throw new IllegalArgumentException("crm.sqlite.synchronous: " + synchronous);
    String cacheMb = System.getProperty("crm.sqlite.cacheMb");
    if (cacheMb != null && !cacheMb.matches("[1-9][0-9]{0,4}")) throw new IllegalArgumentException("crm.sqlite.cacheMb: " + cacheMb);
    if (journal != null || synchronous != null || cacheMb != null) tuneSqlite(proxy, journal, synchronous, cacheMb);
    proxy.start();
  }

  /** Runs the PRAGMAs on the one connection DynamoDB Local's SQLite queue uses (created here, before any request). */
  private static void tuneSqlite(DynamoDBProxyServer proxy, String journal, String synchronous, String cacheMb) throws Exception {
    Object serverHandler = field(DynamoDBProxyServer.class, "serverHandler").get(proxy);
    Object requestHandler = field(serverHandler.getClass(), "primaryHandler").get(serverHandler);
    // With -sharedDb every key maps to the one shared database; this creates its handler as the first request would.
    Method getHandler = requestHandler.getClass().getDeclaredMethod("getHandler", String.class);
    getHandler.setAccessible(true);
    Object client = getHandler.invoke(requestHandler, "shared");
    Object dbAccess = field(client.getClass(), "dbAccess").get(client);
    SQLiteQueue queue = (SQLiteQueue) field(dbAccess.getClass(), "queue").get(dbAccess);
    String mode = queue.execute(new SQLiteJob<String>() {
      @Override
      protected String job(SQLiteConnection connection) throws SQLiteException {
        // Negative: a size in KiB rather than a number of pages.
        if (cacheMb != null) setPragma(connection, "cache_size", -Long.parseLong(cacheMb) * 1024, cacheMb + " MB");
        if (synchronous != null) {
          long level = synchronous.equalsIgnoreCase("NORMAL") ? 1 : synchronous.equalsIgnoreCase("FULL") ? 2 : 3;
          setPragma(connection, "synchronous", level, synchronous);
        }
        if (journal == null) return null;
        var st = connection.prepare("PRAGMA journal_mode=" + journal);
        try {
          return st.step() ? st.columnString(0) : null;
        } finally {
          st.dispose();
        }
      }
    }).complete();
    if (journal != null && !journal.equalsIgnoreCase(String.valueOf(mode))) {
      throw new IllegalStateException("SQLite journal_mode is " + mode + ", not " + journal);
    }
  }

  /** Sets a numeric PRAGMA and reads it back: SQLite ignores values it does not accept without an error. */
  private static void setPragma(SQLiteConnection connection, String name, long value, String asAsked) throws SQLiteException {
    connection.exec("PRAGMA " + name + "=" + value);
    var check = connection.prepare("PRAGMA " + name);
    try {
      long now = check.step() ? check.columnLong(0) : Long.MIN_VALUE;
      if (now != value) throw new IllegalStateException("SQLite " + name + " is " + now + ", not " + asAsked);
    } finally {
      check.dispose();
    }
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
      } catch (NoSuchFieldException e) {
        // look in the superclass
      }
    }
    throw new NoSuchFieldException(type.getName() + "." + name);
  }
}
