package io.goalkeeper.smartsuite;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

/** SmartSuite's two headers on every call: the API key and the workspace. */
@ApplicationScoped
class SmartSuiteCredentials implements ClientHeadersFactory {

    @Inject
    SmartSuiteConfig config;

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
            MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>(outgoing);
        headers.putSingle("Authorization", "Token " + config.apiToken().orElseThrow());
        headers.putSingle("ACCOUNT-ID", config.accountId().orElseThrow());
        return headers;
    }
}
