package dev.fyntr.transport.nio.internal.forward;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AccessLineTest {

    @Test
    void shouldWriteTheKeysInTheirFixedOrder() throws Exception {
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 51512);
        InetSocketAddress resolved = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 80);
        assertEquals("kind=http method=GET client=127.0.0.1:51512 target=example.com:80 resolved=192.0.2.7:80 "
                        + "status=200 error=- up=112 down=1591 duration_ms=41 close=-",
                AccessLine.line("GET", client, "example.com:80", resolved, 200, null, 112, 1591, 41_500_000, null));
    }

    @Test
    void shouldWriteADashForWhatARefusalLacksAndOneTokenForTheCloseReason() throws Exception {
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("::1"), 7);
        assertEquals("kind=http method=POST client=[0:0:0:0:0:0:0:1]:7 target=- resolved=- status=400 "
                        + "error=http_request_error up=0 down=0 duration_ms=0 close=bad_request",
                AccessLine.line("POST", client, null, null, 400, "http_request_error", 0, 0, 10, "bad request"));
    }
}
