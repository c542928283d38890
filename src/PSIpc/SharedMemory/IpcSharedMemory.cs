using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using PSIpc.Native;

namespace PSIpc;

/// <summary>
/// A shared memory region attached to this process. Every access is bounds-checked: an offset or length outside the
/// region is an ArgumentOutOfRangeException, never a read of someone else's memory. Dispose detaches (shmdt/munmap).
/// </summary>
public sealed unsafe partial class IpcSharedMemory : IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(false, false);
    private readonly Mapping _mapping;

    // POSIX objects and files stay open so their size can be checked before each access: another process with write
    // access may shrink them (ftruncate), and touching a mapped page past the new end raises SIGBUS, which the .NET
    // runtime cannot survive. System V segments cannot shrink.
    private readonly SafeFd? _fd;

    private IpcSharedMemory(IpcSharedMemoryKind kind, Mapping mapping, long size, bool readOnly, SafeFd? fd = null)
    {
        Kind = kind;
        _mapping = mapping;
        Size = size;
        IsReadOnly = readOnly;
        _fd = fd;
    }

    public IpcSharedMemoryKind Kind { get; }

    /// <summary>System V: the key (0 for IPC_PRIVATE).</summary>
    public int? Key { get; private init; }

    /// <summary>System V: the id, as ipcs -m shows it in shmid.</summary>
    public int? Id { get; private init; }

    /// <summary>POSIX: the name, such as /frames.</summary>
    public string? Name { get; private init; }

    /// <summary>The file behind the region: /dev/shm/NAME for POSIX, the mapped file for File.</summary>
    public string? Path { get; private init; }

    /// <summary>The region's size in bytes.</summary>
    public long Size { get; }

    /// <summary>True when attached read-only: writes are refused.</summary>
    public bool IsReadOnly { get; }

    /// <summary>False once detached.</summary>
    public bool IsOpen => !_mapping.IsClosed;

    /// <summary>The owner's user name.</summary>
    public string Owner => UserNames.Lookup(Kind == IpcSharedMemoryKind.SystemV
        ? BinaryPrimitives.ReadUInt32LittleEndian(Stat()!.AsSpan(SharedMemoryNative.OffsetUid))
        : Fd.LStat(Path!).Uid);

    /// <summary>The permission bits in octal.</summary>
    public string Mode => FileModes.ToOctal(Kind == IpcSharedMemoryKind.SystemV
        ? BinaryPrimitives.ReadUInt16LittleEndian(Stat()!.AsSpan(SharedMemoryNative.OffsetMode)) & 0x1FFu
        : Fd.LStat(Path!).Permissions);

    /// <summary>System V: how many processes have the segment attached (shm_nattch); null for other kinds.</summary>
    public long? AttachCount => Kind == IpcSharedMemoryKind.SystemV ? (long)BinaryPrimitives.ReadUInt64LittleEndian(
        Stat()!.AsSpan(SharedMemoryNative.OffsetNattch)) : null;

    /// <summary>Creates a System V segment; <paramref name="key"/> null makes a private one. <paramref
    /// name="force"/> attaches to an existing one instead of failing.</summary>
    public static IpcSharedMemory CreateSysV(int? key, long size, uint mode = 0x180, bool force = false)
    {
        CheckSize(size);
        SysVKeys.Check(key);
        int flags = SysVMessageQueues.IPC_CREAT | (force ? 0 : SysVMessageQueues.IPC_EXCL) | (int)(mode & 0x1FF);
        int id;
        try
        {
            id = SharedMemoryNative.ShmGet(key ?? SysVMessageQueues.IPC_PRIVATE, size, flags);
        }
        catch (NativeException e) when (e.Errno == Errno.EINVAL || e.Errno == Errno.ENOMEM || e.Errno == Errno.ENOSPC)
        {
            throw new ArgumentException(
                $"A System V segment of {size} bytes was refused ({e.ErrnoName}): it is above this system's "
                    + $"limits (/proc/sys/kernel/shmmax = {ReadProc("/proc/sys/kernel/shmmax")} bytes per segment, "
                    + $"/proc/sys/kernel/shmall = {ReadProc("/proc/sys/kernel/shmall")} pages in all), or an existing "
                    + "segment with this key is smaller.", e);
        }

        try
        {
            return AttachSysV(id, key ?? 0, readOnly: false);
        }
        catch when (!force)
        {
            SharedMemoryNative.ShmRemove(id);
            throw;
        }
    }

    /// <summary>Attaches to the System V segment with <paramref name="key"/>.</summary>
    public static IpcSharedMemory ConnectSysV(int key, bool readOnly = false)
    {
        SysVKeys.Check(key);
        return AttachSysV(SharedMemoryNative.ShmGet(key, 0, 0), key, readOnly);
    }

    /// <summary>Attaches to the System V segment with id <paramref name="id"/>.</summary>
    public static IpcSharedMemory ConnectSysVById(int id, bool readOnly = false)
    {
        byte[] ds = SharedMemoryNative.ShmStat(id);
        return AttachSysV(id, BinaryPrimitives.ReadInt32LittleEndian(ds), readOnly);
    }

    /// <summary>Creates a POSIX object of <paramref name="size"/> bytes with exactly <paramref name="mode"/>.</summary>
    public static IpcSharedMemory CreatePosix(string name, long size, uint mode = 0x180, bool force = false)
    {
        CheckSize(size);
        CheckName(name);
        SafeFd fd = SharedMemoryNative.ShmOpen(name, Fd.O_RDWR | LibCFlags.O_CREAT | (force ? 0 : LibCFlags.O_EXCL), mode);
        bool created = !force || Fd.FStat(fd).Size == 0;
        try
        {
            return MapFile(IpcSharedMemoryKind.Posix, fd, "/dev/shm" + name, size, mode, created, readOnly: false, name);
        }
        catch
        {
            if (!force)
            {
                SharedMemoryNative.ShmUnlink(name);
            }

            throw;
        }
    }

    /// <summary>Maps an existing POSIX object.</summary>
    public static IpcSharedMemory ConnectPosix(string name, bool readOnly = false)
    {
        CheckName(name);
        SafeFd fd = SharedMemoryNative.ShmOpen(name, readOnly ? Fd.O_RDONLY : Fd.O_RDWR, 0);
        return MapFile(IpcSharedMemoryKind.Posix, fd, "/dev/shm" + name, 0, 0, created: false, readOnly, name);
    }

    /// <summary>Maps a file (MAP_SHARED), creating it with <paramref name="mode"/> or, with <paramref
    /// name="force"/>, growing an existing one to <paramref name="size"/>.</summary>
    public static IpcSharedMemory CreateFile(string path, long size, uint mode = 0x180, bool force = false)
    {
        CheckSize(size);
        // Never through a symbolic link (O_NOFOLLOW): -Force grows and overwrites a file, which must be the one named.
        // A file made here gets exactly the mode, -Force or not, and is removed again if it cannot be mapped.
        SafeFd? fd = Fd.TryOpen(path, Fd.O_RDWR | LibCFlags.O_CREAT | LibCFlags.O_EXCL | Fd.O_NOFOLLOW, out int errno, mode);
        bool created = fd is not null;
        if (fd is null)
        {
            if (errno != Errno.EEXIST || !force)
            {
                throw new NativeException("open", errno);
            }

            fd = NoFollow(path, () => Fd.Open(path, Fd.O_RDWR | Fd.O_NOFOLLOW));
        }

        try
        {
            return MapFile(IpcSharedMemoryKind.File, fd, path, size, mode, created, readOnly: false, null);
        }
        catch when (created)
        {
            Fd.TryUnlink(path);
            throw;
        }
    }

    /// <summary>Runs an open with O_NOFOLLOW and turns ELOOP into a sentence about the symbolic link.</summary>
    private static SafeFd NoFollow(string path, Func<SafeFd> open)
    {
        try
        {
            return open();
        }
        catch (NativeException e) when (e.Errno == Errno.ELOOP)
        {
            throw new ArgumentException(
                $"'{path}' is a symbolic link; PSIpc does not map or grow a file through a link. Give the path of "
                + "the file itself.", nameof(path), e);
        }
    }

    /// <summary>Maps an existing file.</summary>
    public static IpcSharedMemory ConnectFile(string path, bool readOnly = false) =>
        MapFile(
            IpcSharedMemoryKind.File,
            NoFollow(path, () => Fd.Open(path, (readOnly ? Fd.O_RDONLY : Fd.O_RDWR) | Fd.O_NOFOLLOW)),
            path,
            0,
            0,
            created: false,
            readOnly,
            null);

    /// <summary>Removes the POSIX object <paramref name="name"/> (shm_unlink).</summary>
    public static void Unlink(string name)
    {
        CheckName(name);
        SharedMemoryNative.ShmUnlink(name);
    }

    /// <summary>A POSIX shared memory name is '/' followed by 1 to 255 characters, none of them '/'.</summary>
    public static void CheckName(string name) => PosixNames.Check(name, "shared memory", 255, "/frames");

    /// <summary>Removes the region from the system (IPC_RMID, shm_unlink, or deletes the file) and detaches it.</summary>
    public void Remove()
    {
        switch (Kind)
        {
            case IpcSharedMemoryKind.SystemV:
                SharedMemoryNative.ShmRemove(Id!.Value);
                break;
            case IpcSharedMemoryKind.Posix:
                SharedMemoryNative.ShmUnlink(Name!);
                break;
            default:
                Fd.Unlink(Path!);
                break;
        }

        Dispose();
    }

    public void Dispose()
    {
        _mapping.Dispose();
        _fd?.Dispose();
        OpenResources.Forget(this);
    }

    /// <summary>
    /// Throws <see cref="IpcProtocolException"/> (RegionTruncated) when the object behind the mapping is now shorter
    /// than <paramref name="end"/> bytes, before anything touches a page that would raise SIGBUS.
    /// </summary>
    internal void CheckNotTruncated(long end)
    {
        if (_fd is null)
        {
            return;
        }

        long now;
        try
        {
            now = Fd.FStat(_fd).Size;
        }
        catch (ObjectDisposedException)
        {
            throw new ObjectDisposedException(ToString(), "The shared memory region is detached.");
        }

        if (now < end)
        {
            throw new IpcProtocolException(
                "RegionTruncated",
                $"{this} is now {now} bytes: another process shrank it (ftruncate) below the {end} bytes this "
                    + "access needs, so nothing was read or written (touching the lost pages would end this "
                    + "session). Ask whoever shrank it to stop, then make it again with its full size.");
        }
    }

    public override string ToString() => Kind switch
    {
        IpcSharedMemoryKind.SystemV =>
            $"System V segment {Id} (key 0x{Key!.Value.ToString("x8", CultureInfo.InvariantCulture)}, {Size} bytes)",
        IpcSharedMemoryKind.Posix => $"POSIX shared memory {Name} ({Size} bytes)",
        _ => $"mapped file {Path} ({Size} bytes)",
    };

    internal void CheckRange(long offset, long length)
    {
        if (offset < 0 || offset > Size)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offset), $"Offset {offset} is outside the region, which has {Size} bytes (offsets 0 to {Size - 1}).");
        }

        if (length < 0 || length > Size - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"Offset {offset} and length {length} reach outside the region, which has {Size} bytes (offsets 0 "
                + $"to {Size - 1}).");
        }
    }

    private static IpcSharedMemory AttachSysV(int id, int key, bool readOnly)
    {
        byte[] ds = SharedMemoryNative.ShmStat(id);
        long size = (long)BinaryPrimitives.ReadUInt64LittleEndian(ds.AsSpan(SharedMemoryNative.OffsetSegsz));
        byte* address = SharedMemoryNative.ShmAttach(id, readOnly);
        var region = new IpcSharedMemory(
            IpcSharedMemoryKind.SystemV, new Mapping(address, size, sysv: true), size, readOnly) { Id = id, Key = key };
        OpenResources.Track(region);
        return region;
    }

    private static IpcSharedMemory MapFile(
        IpcSharedMemoryKind kind, SafeFd fd, string path, long size, uint mode, bool created, bool readOnly, string? name)
    {
        try
        {
            if (created)
            {
                // The umask masks the mode given to open/shm_open; set it exactly.
                Fd.FChmod(fd, mode);
            }

            long current = Fd.FStat(fd).Size;
            if (size > current)
            {
                SharedMemoryNative.Truncate(fd, size);
                current = size;
            }

            if (current == 0)
            {
                throw new ArgumentException($"'{path}' is empty: there is nothing to map. Create it with New-SharedMemory -Size.");
            }

            byte* address;
            try
            {
                address = SharedMemoryNative.Map(fd, current, readOnly);
            }
            catch (NativeException e) when (e.Errno == Errno.ENOMEM)
            {
                throw new ArgumentException(
                    $"{current} bytes could not be mapped (ENOMEM): more than this process may map (ulimit -v) or "
                    + "than memory allows; POSIX objects also live in /dev/shm, whose size df /dev/shm shows.", e);
            }
            var region = new IpcSharedMemory(
                kind, new Mapping(address, current, sysv: false), current, readOnly, fd) { Path = path, Name = name };
            OpenResources.Track(region);
            return region;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    private static void CheckSize(long size)
    {
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"A shared memory region needs a size of 1 byte or more; {size} is not.");
        }
    }

    private static string ReadProc(string path)
    {
        try
        {
            return System.IO.File.ReadAllText(path).Trim();
        }
        catch (System.IO.IOException)
        {
            return "unknown";
        }
    }

    private byte[]? Stat()
    {
        try
        {
            return SharedMemoryNative.ShmStat(Id!.Value);
        }
        catch (NativeException)
        {
            return new byte[SharedMemoryNative.ShmidDsSize];
        }
    }

}
