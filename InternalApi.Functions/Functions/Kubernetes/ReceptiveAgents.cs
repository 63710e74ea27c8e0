using System.Text;
using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>GET /api/v4/internal/kubernetes/receptive_agents</c> (EE; KAS JWT only): the agents KAS must connect to itself
/// (it polls every ~30 s) — every active URL configuration, one partition query. Without
/// <see cref="KubernetesOptions.ReceptiveAgentsLicensed"/> 404 <c>{"message":"404 Not Found"}</c>, as GitLab answers
/// without the <c>cluster_receptive_agents</c> license (and CE, which has no route).
/// </summary>
public sealed class ReceptiveAgents(ReceptiveAgentStore store, IOptions<KubernetesOptions> options)
{
    /// <summary>The HTTP trigger; the KAS JWT is checked before this runs.</summary>
    [Function(nameof(ReceptiveAgents))]
    [FunctionAuth(FunctionAuth.KasJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/kubernetes/receptive_agents")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!options.Value.ReceptiveAgentsLicensed)
        {
            throw ApiErrorException.WithMessage(StatusCodes.Status404NotFound, "404 Not Found");
        }

        var agents = await store.ListActiveAsync(cancellationToken);
        return TypedResults.Json(new ReceptiveAgentsResponse([.. agents.Select(Entry)]), KasJsonContext.Wire.ReceptiveAgentsResponse).AsAction();
    }

    private static ReceptiveAgentEntry Entry(ReceptiveAgent a) => new(
        a.AgentId,
        a.Url,
        a.CaCert,
        a.TlsHost,
        a.PrivateKey is { } key ? new ReceptiveAgentJwt(RubyBase64(key)) : null,
        a.ClientKey is { } clientKey && a.ClientCert is { } clientCert ? new ReceptiveAgentMtls(clientKey, clientCert) : null);

    /// <summary>
    /// Ruby's <c>Base64.encode64</c>, which GitLab's entity uses: lines of 60 characters, each ending in a newline
    /// (KAS's Go decoder skips the newlines, so this equals the plain encoding to it).
    /// </summary>
    internal static string RubyBase64(byte[] bytes)
    {
        var plain = Convert.ToBase64String(bytes);
        var text = new StringBuilder(plain.Length + (plain.Length / 60) + 1);
        for (var i = 0; i < plain.Length; i += 60)
        {
            text.Append(plain, i, Math.Min(60, plain.Length - i)).Append('\n');
        }

        return text.ToString();
    }
}
