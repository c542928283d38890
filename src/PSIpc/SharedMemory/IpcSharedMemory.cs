using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using PSIpc.Native;

namespace PSIpc;

/// <summary>Which kernel facility backs a shared memory region.</summary>
public enum IpcSharedMemoryKind
{
    /// <summary>A System V segment (shmget/shmat).</summary>
    SystemV,

    /// <summary>A POSIX shared memory object (shm_open + mmap), a file in /dev/shm.</summary>
    Posix,

    /// <summary>A memory-mapped file (open + mmap MAP_SHARED).</summary>
    File,
}

/// <summary>
/// A shared memory region attached to this process. Every access is bounds-checked: an offset or length outside the
/// region is an ArgumentOutOfRangeException, never a read of someone else's memory. Dispose detaches (shmdt/munmap).
/// </summary>
public sealed unsafe class IpcSharedMemory : IDisposable
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
    public string Owner => UserNames.Lookup(Kind == IpcSharedMemoryKind.SystemV ? BinaryPrimitives.ReadUInt32LittleEndian(Stat()!.AsSpan(SharedMemoryNative.OffsetUid)) : Fd.LStat(Path!).Uid);

    /// <summary>The permission bits in octal.</summary>
    public string Mode => FileModes.ToOctal(Kind == IpcSharedMemoryKind.SystemV ? BinaryPrimitives.ReadUInt16LittleEndian(Stat()!.AsSpan(SharedMemoryNative.OffsetMode)) & 0x1FFu : Fd.LStat(Path!).Permissions);

    /// <summary>System V: how many processes have the segment attached (shm_nattch); null for other kinds.</summary>
    public long? AttachCount => Kind == IpcSharedMemoryKind.SystemV ? (long)BinaryPrimitives.ReadUInt64LittleEndian(Stat()!.AsSpan(SharedMemoryNative.OffsetNattch)) : null;

    /// <summary>Creates a System V segment; <paramref name="key"/> null makes a private one. <paramref name="force"/> attaches to an existing one instead of failing.</summary>
    public static IpcSharedMemory CreateSysV(int? key, long size, uint mode = 0x180, bool force = false)
    {
        CheckSize(size);
        SysVMessageQueue.CheckKey(key);
        int flags = SysVMessageQueues.IPC_CREAT | (force ? 0 : SysVMessageQueues.IPC_EXCL) | (int)(mode & 0x1FF);
        int id;
        try
        {
            id = SharedMemoryNative.ShmGet(key ?? SysVMessageQueues.IPC_PRIVATE, size, flags);
        }
        catch (NativeException e) when (e.Errno == Errno.EINVAL || e.Errno == Errno.ENOMEM || e.Errno == Errno.ENOSPC)
        {
            throw new ArgumentException(
                $"A System V segment of {size} bytes was refused ({e.ErrnoName}): it is above this system's limits (/proc/sys/kernel/shmmax = {ReadProc("/proc/sys/kernel/shmmax")} bytes per segment, /proc/sys/kernel/shmall = {ReadProc("/proc/sys/kernel/shmall")} pages in all), or an existing segment with this key is smaller.", e);
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
        SysVMessageQueue.CheckKey(key);
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

    /// <summary>Maps a file (MAP_SHARED), creating it with <paramref name="mode"/> or, with <paramref name="force"/>, growing an existing one to <paramref name="size"/>.</summary>
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
            throw new ArgumentException($"'{path}' is a symbolic link; PSIpc does not map or grow a file through a link. Give the path of the file itself.", nameof(path), e);
        }
    }

    /// <summary>Maps an existing file.</summary>
    public static IpcSharedMemory ConnectFile(string path, bool readOnly = false) =>
        MapFile(IpcSharedMemoryKind.File, NoFollow(path, () => Fd.Open(path, (readOnly ? Fd.O_RDONLY : Fd.O_RDWR) | Fd.O_NOFOLLOW)), path, 0, 0, created: false, readOnly, null);

    /// <summary>Removes the POSIX object <paramref name="name"/> (shm_unlink).</summary>
    public static void Unlink(string name)
    {
        CheckName(name);
        SharedMemoryNative.ShmUnlink(name);
    }

    /// <summary>A POSIX shared memory name is '/' followed by 1 to 255 characters, none of them '/'.</summary>
    public static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name[0] != '/' || name.Length < 2 || name.IndexOf('/', 1) >= 0 || name.Length > 256 || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a POSIX shared memory name. A name is '/' followed by 1 to 255 characters with no other '/', such as /frames.", nameof(name));
        }
    }

    /// <summary>The region's bytes from <paramref name="offset"/>, without copying. Valid until Dispose.</summary>
    public Span<byte> AsSpan(long offset = 0, int? length = null)
    {
        int len = length ?? (int)Math.Min(Size - offset, int.MaxValue);
        CheckRange(offset, len);
        return new Span<byte>(_mapping.Address + offset, len);
    }

    public byte[] ReadBytes(long offset, int length)
    {
        using var lease = Lease(offset, length, write: false);
        return new ReadOnlySpan<byte>(lease.At(offset), length).ToArray();
    }

    public void WriteBytes(long offset, byte[] data) => WriteBytes(offset, (ReadOnlySpan<byte>)data);

    public void WriteBytes(long offset, ReadOnlySpan<byte> data)
    {
        using var lease = Lease(offset, data.Length, write: true);
        data.CopyTo(new Span<byte>(lease.At(offset), data.Length));
    }

    /// <summary>Reads a NUL-terminated UTF-8 string, as C's printf("%s") does; at most to the region's end (or <paramref name="maxLength"/> bytes).</summary>
    public string ReadString(long offset = 0, int? maxLength = null)
    {
        int limit = (int)Math.Min(maxLength ?? long.MaxValue, Math.Min(Size - Math.Max(offset, 0), int.MaxValue));
        using var lease = Lease(offset, limit, write: false);
        var span = new ReadOnlySpan<byte>(lease.At(offset), limit);
        int end = span.IndexOf((byte)0);
        return Utf8.GetString(end >= 0 ? span.Slice(0, end) : span);
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 followed by a NUL, as C's strcpy does.</summary>
    public void WriteString(long offset, string text)
    {
        byte[] bytes = new byte[Utf8.GetByteCount(text) + 1];
        Utf8.GetBytes(text, 0, text.Length, bytes, 0);
        WriteBytes(offset, bytes);
    }

    /// <summary>Writes an object with the 8-byte PSIpc header (encoding and length), so ReadObject reads it back.</summary>
    public int WriteObject(long offset, object? value, IpcEncoding encoding = IpcEncoding.CliXml, int depth = 2)
    {
        byte[] payload = MessageCodec.Encode(value, encoding, depth);
        byte[] framed = new byte[Frame.HeaderSize + payload.Length];
        Frame.WriteHeader(framed, encoding, payload.Length);
        payload.CopyTo(framed, Frame.HeaderSize);
        WriteBytes(offset, framed);
        return framed.Length;
    }

    /// <summary>Whether a PSIpc header starts at <paramref name="offset"/> with a payload that fits the region.</summary>
    public bool HasObjectAt(long offset)
    {
        if (offset < 0 || offset + Frame.HeaderSize > Size)
        {
            return false;
        }

        byte[] header = ReadBytes(offset, Frame.HeaderSize);
        try
        {
            (_, int length) = Frame.ReadHeader(header, int.MaxValue);
            return offset + Frame.HeaderSize + length <= Size;
        }
        catch (IpcProtocolException)
        {
            return false;
        }
    }

    /// <summary>Reads an object WriteObject wrote (throws IpcProtocolException when no valid header is there).</summary>
    public object? ReadObject(long offset = 0)
    {
        byte[] header = ReadBytes(offset, Frame.HeaderSize);
        (IpcEncoding encoding, int length) = Frame.ReadHeader(header, (int)Math.Min(Size - offset - Frame.HeaderSize, int.MaxValue));
        return MessageCodec.Decode(ReadBytes(offset + Frame.HeaderSize, length), encoding);
    }

    /// <summary>Atomically adds <paramref name="value"/> to the 8-byte integer at <paramref name="offset"/> (8-aligned); returns the new value. Atomic across processes.</summary>
    public long Add(long offset, long value)
    {
        if (offset % 8 != 0)
        {
            throw new ArgumentException($"Offset {offset} is not a multiple of 8; atomic operations need an aligned 8-byte integer.", nameof(offset));
        }

        using var lease = Lease(offset, 8, write: true);
        return Interlocked.Add(ref *(long*)lease.At(offset), value);
    }

    /// <summary>Reads the 8-byte little-endian integer at <paramref name="offset"/>.</summary>
    public long ReadInt64(long offset) => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(offset, 8));

    /// <summary>Writes an 8-byte little-endian integer at <paramref name="offset"/>.</summary>
    public void WriteInt64(long offset, long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        WriteBytes(offset, b);
    }

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
        ChannelRegistry.ForgetResource(this);
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
                $"{this} is now {now} bytes: another process shrank it (ftruncate) below the {end} bytes this access needs, so nothing was read or written (touching the lost pages would end this session). Ask whoever shrank it to stop, then make it again with its full size.");
        }
    }

    public override string ToString() => Kind switch
    {
        IpcSharedMemoryKind.SystemV => $"System V segment {Id} (key 0x{Key!.Value.ToString("x8", CultureInfo.InvariantCulture)}, {Size} bytes)",
        IpcSharedMemoryKind.Posix => $"POSIX shared memory {Name} ({Size} bytes)",
        _ => $"mapped file {Path} ({Size} bytes)",
    };

    internal void CheckRange(long offset, long length)
    {
        if (offset < 0 || offset > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Offset {offset} is outside the region, which has {Size} bytes (offsets 0 to {Size - 1}).");
        }

        if (length < 0 || length > Size - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Offset {offset} and length {length} reach outside the region, which has {Size} bytes (offsets 0 to {Size - 1}).");
        }
    }

    private static IpcSharedMemory AttachSysV(int id, int key, bool readOnly)
    {
        byte[] ds = SharedMemoryNative.ShmStat(id);
        long size = (long)BinaryPrimitives.ReadUInt64LittleEndian(ds.AsSpan(SharedMemoryNative.OffsetSegsz));
        byte* address = SharedMemoryNative.ShmAttach(id, readOnly);
        var region = new IpcSharedMemory(IpcSharedMemoryKind.SystemV, new Mapping(address, size, sysv: true), size, readOnly) { Id = id, Key = key };
        ChannelRegistry.TrackResource(region);
        return region;
    }

    private static IpcSharedMemory MapFile(IpcSharedMemoryKind kind, SafeFd fd, string path, long size, uint mode, bool created, bool readOnly, string? name)
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
                throw new ArgumentException($"{current} bytes could not be mapped (ENOMEM): more than this process may map (ulimit -v) or than memory allows; POSIX objects also live in /dev/shm, whose size df /dev/shm shows.", e);
            }
            var region = new IpcSharedMemory(kind, new Mapping(address, current, sysv: false), current, readOnly, fd) { Path = path, Name = name };
            ChannelRegistry.TrackResource(region);
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

    private MappingLease Lease(long offset, long length, bool write)
    {
        if (write && IsReadOnly)
        {
            throw new InvalidOperationException($"{this} is attached read-only; connect without -ReadOnly to write.");
        }

        CheckRange(offset, length);
        var lease = new MappingLease(_mapping);
        try
        {
            CheckNotTruncated(offset + length);
        }
        catch
        {
            lease.Dispose();
            throw;
        }

        return lease;
    }

    /// <summary>The attachment, released (shmdt/munmap) once and never while an access holds it.</summary>
    private sealed class Mapping : SafeHandle
    {
        private readonly long _size;
        private readonly bool _sysv;

        public Mapping(byte* address, long size, bool sysv)
            : base(IntPtr.Zero, ownsHandle: true)
        {
            SetHandle((IntPtr)address);
            _size = size;
            _sysv = sysv;
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        public byte* Address => IsClosed ? throw new ObjectDisposedException("IpcSharedMemory", "The shared memory region is detached.") : (byte*)handle;

        protected override bool ReleaseHandle()
        {
            if (_sysv)
            {
                SharedMemoryNative.ShmDetach((byte*)handle);
            }
            else
            {
                SharedMemoryNative.Unmap((byte*)handle, _size);
            }

            return true;
        }
    }

    private readonly ref struct MappingLease
    {
        private readonly Mapping _mapping;
        private readonly byte* _base;

        public MappingLease(Mapping mapping)
        {
            bool added = false;
            mapping.DangerousAddRef(ref added);
            _mapping = mapping;
            _base = (byte*)mapping.DangerousGetHandle();
        }

        public byte* At(long offset) => _base + offset;

        public void Dispose() => _mapping.DangerousRelease();
    }
}
