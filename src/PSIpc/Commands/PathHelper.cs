using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;

namespace PSIpc.Commands;

/// <summary>Resolves -Path / -LiteralPath arguments to file-system paths; other providers are refused.</summary>
internal static class PathHelper
{
    /// <summary>A path that need not exist yet (for New-): relative to the current location, no wildcards.</summary>
    public static string ResolveNew(PSCmdlet cmdlet, string path)
    {
        string resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
        CheckFileSystem(cmdlet, provider, path);
        return resolved;
    }

    /// <summary>
    /// Existing paths: -Path expands wildcards (and reports a path that matches nothing), -LiteralPath is taken as written.
    /// Returns an empty list after writing an error when nothing matches.
    /// </summary>
    public static IReadOnlyList<string> ResolveExisting(PSCmdlet cmdlet, string path, bool literal)
    {
        if (literal || !WildcardPattern.ContainsWildcardCharacters(path))
        {
            return new[] { ResolveNew(cmdlet, path) };
        }

        Collection<string> matches;
        ProviderInfo provider;
        try
        {
            matches = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
        }
        catch (ItemNotFoundException)
        {
            matches = new Collection<string>();
            provider = null!;
        }

        if (matches.Count == 0)
        {
            cmdlet.WriteError(ErrorHelper.Create(
                "PathNotFound", ErrorCategory.ObjectNotFound, path,
                $"No file matches '{path}'. Check the pattern, or use -LiteralPath for a name with [ ] * ? in it."));
            return System.Array.Empty<string>();
        }

        CheckFileSystem(cmdlet, provider, path);
        return matches;
    }

    private static void CheckFileSystem(PSCmdlet cmdlet, ProviderInfo provider, string path)
    {
        if (provider.ImplementingType != typeof(FileSystemProvider))
        {
            cmdlet.ThrowTerminatingError(ErrorHelper.Create(
                "NotAFileSystemPath",
                ErrorCategory.InvalidArgument,
                path,
                $"'{path}' is on the {provider.Name} provider; PSIpc objects live in the file system. Give a file-system path."));
        }
    }
}
