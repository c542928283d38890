using System;
using System.Runtime.InteropServices;
using PSIpc.Native;

namespace PSIpc;

/// <summary>The mapping itself, in a SafeHandle, and the lease that keeps it mapped for the length of one access.</summary>
public sealed unsafe partial class IpcSharedMemory
{
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

        public byte* Address => IsClosed ? throw new ObjectDisposedException(
            "IpcSharedMemory", "The shared memory region is detached.") : (byte*)handle;

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
