package dev.fyntr.transport.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

enum SystemResolver implements Resolver {
    INSTANCE;

    @Override
    public List<InetAddress> resolve(String host) throws IOException {
        return List.of(InetAddress.getAllByName(host));
    }

    @Override
    public String toString() {
        return "system resolver";
    }
}
