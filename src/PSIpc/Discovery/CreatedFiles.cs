using System.Collections.Concurrent;
using System.Collections.Generic;

namespace PSIpc;

/// <summary>
/// The FIFOs and Unix socket files this process made, for Get-IpcObject -Kind Fifo, Socket: unlike System V and
/// /dev/shm objects they can be anywhere in the file system, so only the ones made here can be found.
/// </summary>
internal static class CreatedFiles
{
    private static readonly ConcurrentDictionary<string, byte> Made = new();

    public static IEnumerable<string> Paths => Made.Keys;

    public static void Add(string path) => Made[System.IO.Path.GetFullPath(path)] = 0;
}
