using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>
/// errno values by name, read from Tmds.LibC so they are right for the running architecture: the values the module tests
/// for, and <see cref="ToName"/> for every errno there is.
/// </summary>
internal static class Errno
{
    // Every errno Tmds.LibC names (its static E* properties, right for the running architecture), by value. Where
    // two names share a value (EAGAIN and EWOULDBLOCK, EDEADLK and EDEADLOCK), the shorter, usual one is kept.
    private static readonly Dictionary<int, string> Names = typeof(LibC)
        .GetProperties(BindingFlags.Public | BindingFlags.Static)
        .Where(p => p.PropertyType == typeof(int) && IsErrnoName(p.Name))
        .Select(p => (p.Name, Value: (int)p.GetValue(null)!))
        .Where(e => e.Value is > 0 and < 4096)
        .GroupBy(e => e.Value)
        .ToDictionary(g => g.Key, g => g.Select(e => e.Name).OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal).First());

    // E followed by capitals and digits (E2BIG), but not the epoll flags that share the shape (EPOLLIN).
    private static bool IsErrnoName(string name) =>
        name.Length > 1 && name[0] == 'E' && !name.StartsWith("EPOLL", StringComparison.Ordinal)
        && name.Skip(1).All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));

    /// <summary>The symbolic name, such as ENOENT; E and the number for a value this libc does not name.</summary>
    public static string ToName(int errno) =>
        Names.TryGetValue(errno, out string? name) ? name : "E" + errno.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static int EFBIG => LibC.EFBIG;
    public static int EOVERFLOW => LibC.EOVERFLOW;
    public static int ERANGE => LibC.ERANGE;
    public static int EADDRNOTAVAIL => LibC.EADDRNOTAVAIL;
    public static int ENOTCONN => LibC.ENOTCONN;
    public static int ECONNABORTED => LibC.ECONNABORTED;
    public static int ENETUNREACH => LibC.ENETUNREACH;
    public static int EHOSTUNREACH => LibC.EHOSTUNREACH;
    public static int ENOSPC => LibC.ENOSPC;
    public static int EMFILE => LibC.EMFILE;
    public static int ENFILE => LibC.ENFILE;
    public static int EDQUOT => LibC.EDQUOT;
    public static int EINTR => LibC.EINTR;
    public static int EAGAIN => LibC.EAGAIN;
    public static int ENXIO => LibC.ENXIO;
    public static int EPIPE => LibC.EPIPE;
    public static int ENOENT => LibC.ENOENT;
    public static int EEXIST => LibC.EEXIST;
    public static int EACCES => LibC.EACCES;
    public static int EPERM => LibC.EPERM;
    public static int EINVAL => LibC.EINVAL;
    public static int ENOTDIR => LibC.ENOTDIR;
    public static int EBUSY => LibC.EBUSY;
    public static int ETIMEDOUT => LibC.ETIMEDOUT;
    public static int ECONNRESET => LibC.ECONNRESET;
    public static int ECONNREFUSED => LibC.ECONNREFUSED;
    public static int EBADF => LibC.EBADF;
    public static int ENAMETOOLONG => LibC.ENAMETOOLONG;
    public static int EADDRINUSE => LibC.EADDRINUSE;
    public static int EMSGSIZE => LibC.EMSGSIZE;
    public static int EROFS => LibC.EROFS;
    public static int ELOOP => LibC.ELOOP;
    public static int EISDIR => LibC.EISDIR;
    public static int ENOMSG => LibC.ENOMSG;
    public static int ESRCH => LibC.ESRCH;
    public static int ENOMEM => LibC.ENOMEM;
    public static int EIDRM => LibC.EIDRM;
    public static int E2BIG => LibC.E2BIG;
}
