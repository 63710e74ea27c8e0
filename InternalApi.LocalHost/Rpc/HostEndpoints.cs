using System.Net;
using System.Net.Sockets;

namespace InternalApi.LocalHost.Rpc;

/// <summary>Where the host's gRPC server listens: a free loopback port, chosen once when the host is built.</summary>
public sealed class HostEndpoints
{
    /// <summary>Chooses the port.</summary>
    public HostEndpoints()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        GrpcPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        GrpcUri = new Uri($"http://127.0.0.1:{GrpcPort}/");
    }

    /// <summary>The port of the gRPC server (HTTP/2 only).</summary>
    public int GrpcPort { get; }

    /// <summary>What the worker is given as <c>--functions-uri</c>.</summary>
    public Uri GrpcUri { get; }
}
