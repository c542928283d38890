using System;
using System.Management.Automation;
using PSIpc.Native;
using Xunit;

namespace PSIpc.Tests;

public sealed class ErrorMappingTests
{
    [Theory]
    [InlineData("ENOENT", ErrorCategory.ObjectNotFound)]
    [InlineData("EACCES", ErrorCategory.PermissionDenied)]
    [InlineData("EPERM", ErrorCategory.PermissionDenied)]
    [InlineData("EEXIST", ErrorCategory.ResourceExists)]
    [InlineData("EINVAL", ErrorCategory.InvalidArgument)]
    [InlineData("ENOTDIR", ErrorCategory.InvalidArgument)]
    [InlineData("EAGAIN", ErrorCategory.ResourceBusy)]
    [InlineData("EBUSY", ErrorCategory.ResourceBusy)]
    [InlineData("ETIMEDOUT", ErrorCategory.OperationTimeout)]
    [InlineData("EPIPE", ErrorCategory.ConnectionError)]
    [InlineData("ECONNRESET", ErrorCategory.ConnectionError)]
    [InlineData("ENOTCONN", ErrorCategory.ConnectionError)]
    [InlineData("EADDRNOTAVAIL", ErrorCategory.InvalidArgument)]
    [InlineData("EFBIG", ErrorCategory.LimitsExceeded)]
    [InlineData("EOVERFLOW", ErrorCategory.LimitsExceeded)]
    [InlineData("ENOSPC", ErrorCategory.ResourceUnavailable)]
    public void ErrnoMapsToCategory(string name, ErrorCategory category)
    {
        int errno = (int)typeof(Errno).GetProperty(name)!.GetValue(null)!;
        Assert.Equal(name, Errno.ToName(errno));
        Assert.Equal(category, ErrorHelper.CategoryOf(errno));
    }

    [Fact]
    public void EveryLinuxErrnoHasItsName()
    {
        // Linux numbers its errnos 1 to 133 with two gaps (41 and 58); an id must never read bind,E99.
        for (int errno = 1; errno <= 133; errno++)
        {
            if (errno is not (41 or 58))
            {
                Assert.Matches("^E(?![0-9]+$)[A-Z0-9]+$", Errno.ToName(errno));
            }
        }

        Assert.Equal("EAGAIN", Errno.ToName(Errno.EAGAIN));
        Assert.Equal("E2BIG", Errno.ToName(Errno.E2BIG));
        Assert.Equal("EADDRNOTAVAIL", Errno.ToName(Errno.EADDRNOTAVAIL));
    }

    [Fact]
    public void NativeErrorsGetFunctionErrnoIdsAndStrerrorText()
    {
        var e = new NativeException("open", Errno.ENOENT);
        ErrorRecord record = ErrorHelper.ToRecord(e, "/tmp/x", "Cannot open '/tmp/x'");
        Assert.Equal("open,ENOENT", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, record.CategoryInfo.Category);
        Assert.Equal("/tmp/x", record.TargetObject);
        Assert.Equal("No such file or directory", e.Message);
        Assert.StartsWith("Cannot open '/tmp/x': No such file or directory (ENOENT from open).", record.ErrorDetails.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeoutsAndProtocolErrorsKeepTheirIds()
    {
        ErrorRecord timeout = ErrorHelper.ToRecord(new IpcTimeoutException("FifoOpenTimeout", "no reader"), "f", "Cannot open");
        Assert.Equal("FifoOpenTimeout", timeout.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, timeout.CategoryInfo.Category);
        ErrorRecord protocol = ErrorHelper.ToRecord(new IpcProtocolException("FrameTruncated", "cut"), "c", "Cannot receive");
        Assert.Equal("FrameTruncated", protocol.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ProtocolError, protocol.CategoryInfo.Category);
    }

    [Fact]
    public void UnknownErrnoHasANumericName()
    {
        Assert.Equal("E4095", Errno.ToName(4095));
    }
}
