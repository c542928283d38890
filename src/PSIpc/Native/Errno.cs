using System.Collections.Generic;
using Tmds.Linux;

namespace PSIpc.Native;

/// <summary>errno values by name, read from Tmds.LibC so they are right for the running architecture.</summary>
internal static class Errno
{
    private static readonly Dictionary<int, string> Names = new()
    {
        [LibC.EPERM] = "EPERM",
        [LibC.ENOENT] = "ENOENT",
        [LibC.ESRCH] = "ESRCH",
        [LibC.EINTR] = "EINTR",
        [LibC.EIO] = "EIO",
        [LibC.ENXIO] = "ENXIO",
        [LibC.EBADF] = "EBADF",
        [LibC.ECHILD] = "ECHILD",
        [LibC.EAGAIN] = "EAGAIN",
        [LibC.ENOMEM] = "ENOMEM",
        [LibC.EACCES] = "EACCES",
        [LibC.EFAULT] = "EFAULT",
        [LibC.EBUSY] = "EBUSY",
        [LibC.EEXIST] = "EEXIST",
        [LibC.EXDEV] = "EXDEV",
        [LibC.ENODEV] = "ENODEV",
        [LibC.ENOTDIR] = "ENOTDIR",
        [LibC.EISDIR] = "EISDIR",
        [LibC.EINVAL] = "EINVAL",
        [LibC.ENFILE] = "ENFILE",
        [LibC.EMFILE] = "EMFILE",
        [LibC.EFBIG] = "EFBIG",
        [LibC.ENOSPC] = "ENOSPC",
        [LibC.ESPIPE] = "ESPIPE",
        [LibC.EROFS] = "EROFS",
        [LibC.EPIPE] = "EPIPE",
        [LibC.ENAMETOOLONG] = "ENAMETOOLONG",
        [LibC.ELOOP] = "ELOOP",
        [LibC.ENOSYS] = "ENOSYS",
        [LibC.ETIMEDOUT] = "ETIMEDOUT",
        [LibC.ECONNRESET] = "ECONNRESET",
        [LibC.ECONNREFUSED] = "ECONNREFUSED",
        [LibC.EADDRINUSE] = "EADDRINUSE",
        [LibC.ENOTSOCK] = "ENOTSOCK",
        [LibC.EMSGSIZE] = "EMSGSIZE",
        [LibC.ENOMSG] = "ENOMSG",
        [LibC.EIDRM] = "EIDRM",
        [LibC.E2BIG] = "E2BIG",
        [LibC.EADDRNOTAVAIL] = "EADDRNOTAVAIL",
        [LibC.ENOTCONN] = "ENOTCONN",
        [LibC.EISCONN] = "EISCONN",
        [LibC.ENETUNREACH] = "ENETUNREACH",
        [LibC.EHOSTUNREACH] = "EHOSTUNREACH",
        [LibC.EAFNOSUPPORT] = "EAFNOSUPPORT",
        [LibC.EPROTOTYPE] = "EPROTOTYPE",
        [LibC.EOPNOTSUPP] = "EOPNOTSUPP",
        [LibC.ECONNABORTED] = "ECONNABORTED",
        [LibC.EOVERFLOW] = "EOVERFLOW",
        [LibC.ERANGE] = "ERANGE",
        [LibC.EDEADLK] = "EDEADLK",
        [LibC.ENOTEMPTY] = "ENOTEMPTY",
        [LibC.ETXTBSY] = "ETXTBSY",
        [LibC.EDQUOT] = "EDQUOT",
    };

    public static string ToName(int errno) => Names.TryGetValue(errno, out string? name) ? name : "E" + errno.ToString(System.Globalization.CultureInfo.InvariantCulture);

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
