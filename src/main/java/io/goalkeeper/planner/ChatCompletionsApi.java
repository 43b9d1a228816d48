package io.goalkeeper.planner;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/** The chat-completions call that OpenAI and the servers compatible with it answer. Only {@link OpenAiMilestonePlanner} uses it. */
@Path("/chat/completions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface ChatCompletionsApi {

    @POST
    Uni<Response> complete(JsonNode request);
}
