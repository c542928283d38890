using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>Accepting clients, refusing the users a server does not allow (one warning each), and dropping clients that fail.</summary>
public sealed partial class IpcSocketServer
{
    private static bool IsLive(SockAddr address)
    {
        using SafeFd probe = Sockets.Create(Sockets.AF_UNIX, datagram: false);
        try
        {
            return Sockets.StartConnect(probe, address) || true;
        }
        catch (NativeException e) when (e.Errno == Errno.ECONNREFUSED || e.Errno == Errno.ENOENT)
        {
            return false;
        }
        catch (NativeException e) when (e.Errno == Errno.EAGAIN)
        {
            // A live server whose backlog is full.
            return true;
        }
    }

    /// <summary>Queues one warning per refused peer (user and process) for the cmdlet that is receiving to write.</summary>
    private void NoteRefusal(IpcSocket client)
    {
        string uid = client.PeerUserId?.ToString(CultureInfo.InvariantCulture) ?? "?";
        string pid = client.PeerProcessId?.ToString(CultureInfo.InvariantCulture) ?? "?";
        lock (_lock)
        {
            if (_refusedPeers.Add(uid + "/" + pid))
            {
                string allowed = _ownUserOnly ?
                    $"only its own user ({Fd.GetEffectiveUid()}) by default for an abstract socket; -AllowUser "
                    + "names others" : "only the users -AllowUser names";
                _warnings.Enqueue($"{EndPoint} refused a connection from user {uid} "
                    + $"({UserNames.Lookup(client.PeerUserId ?? uint.MaxValue)}), process {pid}, and closed it: the "
                    + $"server accepts {allowed}.");
            }
        }
    }

    internal override IReadOnlyList<string> TakeWarnings()
    {
        lock (_lock)
        {
            if (_warnings.Count == 0)
            {
                return Array.Empty<string>();
            }

            string[] all = _warnings.ToArray();
            _warnings.Clear();
            return all;
        }
    }

    private void Drop(IpcSocket client)
    {
        lock (_lock)
        {
            _clients.Remove(client);
        }

        client.Dispose();
    }

    private IpcSocket? TryAcceptOne()
    {
        while (true)
        {
            SafeFd? fd = Sockets.TryAccept(_listener, out SockAddr peer);
            if (fd is null)
            {
                return null;
            }

            IpcSocket client;
            try
            {
                client = new IpcSocket(
                    fd,
                    Protocol == IpcSocketProtocol.Tcp ? IpcSocketProtocol.Tcp : Protocol,
                    EndPoint,
                    Protocol == IpcSocketProtocol.Tcp ? peer.ToString() : "client",
                    Framing);
            }
            catch (NativeException)
            {
                fd.Dispose();
                continue;
            }

            if (_allowedUsers is not null && (client.PeerUserId is not uint uid || !_allowedUsers.Contains(uid)))
            {
                Interlocked.Increment(ref _refused);
                NoteRefusal(client);
                client.Dispose();
                continue;
            }

            Interlocked.Increment(ref _accepted);
            return client;
        }
    }
}
