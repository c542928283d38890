using System;
using System.Globalization;
using System.IO;

namespace PSIpc;

/// <summary>One client of a socket server failed (reset, broken frame); the server and the other clients go on.</summary>
public sealed class IpcClientException : IOException
{
    public IpcClientException(IpcSocket client, Exception inner)
        : base(Describe(client, inner), inner)
    {
        Client = client;
    }

    public IpcSocket Client { get; }

    private static string Describe(IpcSocket client, Exception inner)
    {
        string pid = client.PeerProcessId?.ToString(CultureInfo.InvariantCulture) ?? "?";
        return $"The client {client.Name} (process {pid}) failed: {inner.Message} Its connection was closed; the server goes on.";
    }
}
