package dev.fyntr.transport.nio.internal.policy;

import java.util.List;

/**
 * The destination policy a proxy is built with (docs/policy-and-errors.md), validated by the builder.
 *
 * @param allowedPorts CONNECT destination ports, 1-65535, the default 443 included when it applies
 * @param allowCidrs   ranges allowed even when denied by default or by {@code denyCidrs}
 * @param denyCidrs    ranges denied in addition to the defaults
 * @param allowDomains domains (with their subdomains) whose denied addresses are dropped instead of failing
 */
public record PolicyConfig(List<Integer> allowedPorts, List<Cidr> allowCidrs, List<Cidr> denyCidrs,
                           List<String> allowDomains) {

    public PolicyConfig {
        allowedPorts = List.copyOf(allowedPorts);
        allowCidrs = List.copyOf(allowCidrs);
        denyCidrs = List.copyOf(denyCidrs);
        allowDomains = List.copyOf(allowDomains);
    }
}
