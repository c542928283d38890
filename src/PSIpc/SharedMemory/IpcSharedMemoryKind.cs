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
