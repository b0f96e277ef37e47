package dev.fyntr.transport.nio.internal.jmx;

import dev.fyntr.transport.nio.FyntrProxy;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * A proxy's MBean on the platform MBean server, {@code dev.fyntr:type=Proxy,name=<name>}: registered at start,
 * unregistered at close. Without an explicit name the proxy is called {@code fyntr-<port>}, then
 * {@code fyntr-<port>-2} … if that is taken (two proxies in one JVM never share a name); an explicit name that is
 * taken is an error. Thread-safe.
 */
public final class JmxRegistration {

    public static final String DOMAIN = "dev.fyntr";
    /** Tries for a free default name; more proxies than this on one port number in one JVM is not a real case. */
    private static final int MAX_SUFFIX = 1000;

    private final ObjectName name;
    private boolean registered = true;

    private JmxRegistration(ObjectName name) {
        this.name = name;
    }

    /** The object name for {@code name}. */
    public static ObjectName objectName(String name) {
        try {
            return new ObjectName(DOMAIN + ":type=Proxy,name=" + name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not a valid JMX name: " + name + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Registers {@code proxy}'s MBean.
     *
     * @param explicitName the name chosen by the user, or null for the default
     * @throws IllegalStateException if the explicit name is taken, or registration fails
     */
    public static JmxRegistration register(FyntrProxy proxy, String explicitName) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        JmxView view = new JmxView(proxy);
        String base = explicitName != null ? explicitName : "fyntr-" + proxy.port();
        for (int i = 1; i <= MAX_SUFFIX; i++) {
            ObjectName on = objectName(i == 1 ? base : base + "-" + i);
            try {
                server.registerMBean(view, on);
                return new JmxRegistration(on);
            } catch (InstanceAlreadyExistsException e) {
                if (explicitName != null) {
                    throw new IllegalStateException("the JMX name " + on + " is already registered (another proxy "
                            + "in this JVM?); choose another jmxName or turn JMX off", e);
                }
            } catch (JMException e) {
                throw new IllegalStateException("cannot register the proxy's MBean " + on + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("no free JMX name from " + base + " to " + base + "-" + MAX_SUFFIX);
    }

    public ObjectName name() {
        return name;
    }

    /** Unregisters the MBean. Idempotent. */
    public synchronized void unregister() {
        if (!registered) {
            return;
        }
        registered = false;
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // Someone else unregistered it: nothing left to do.
        } catch (JMException e) {
            // Nothing useful to do at close: the MBean server refused; it holds only a view of a closed proxy.
        }
    }
}
