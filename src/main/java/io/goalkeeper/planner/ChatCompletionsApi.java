package io.goalkeeper.planner;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/**
 * The chat-completions call that OpenAI and the servers compatible with it answer; its URL and timeouts
 * are {@code quarkus.rest-client.openai-planner.*}, taken from {@code goalkeeper.planner.openai.*}. Only
 * {@link OpenAiMilestonePlanner} uses it.
 */
@RegisterRestClient(configKey = "openai-planner")
@Path("/chat/completions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface ChatCompletionsApi {

    /** {@code authorization} is left out of the request when null (a local server needs no key). */
    @POST
    Uni<Response> complete(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, JsonNode request);
}
