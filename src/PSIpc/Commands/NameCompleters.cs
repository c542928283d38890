using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSIpc.Commands;

/// <summary>Completes the names of existing POSIX objects from the files that show them.</summary>
public abstract class PosixNameCompleter : IArgumentCompleter
{
    private readonly string _folder;
    private readonly string _prefix;

    private protected PosixNameCompleter(string folder, string prefix)
    {
        _folder = folder;
        _prefix = prefix;
    }

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (!Directory.Exists(_folder))
        {
            yield break;
        }

        string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = new WildcardPattern((word.StartsWith('/') ? word : "/" + word) + "*", WildcardOptions.IgnoreCase);
        string[] files = Directory.GetFiles(_folder, _prefix + "*");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            string name = "/" + Path.GetFileName(file).Substring(_prefix.Length);
            if (pattern.IsMatch(name))
            {
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, $"{name} ({file})");
            }
        }
    }
}

/// <summary>Existing POSIX message queues (/dev/mqueue, when mounted).</summary>
public sealed class MessageQueueNameCompleter : PosixNameCompleter
{
    public MessageQueueNameCompleter()
        : base("/dev/mqueue", string.Empty)
    {
    }
}

/// <summary>Existing POSIX shared memory objects and rings (/dev/shm, without semaphores).</summary>
public sealed class SharedMemoryNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        foreach (
            CompletionResult r in new AllShm().CompleteArgument(commandName, parameterName, wordToComplete, commandAst, fakeBoundParameters)
            )
        {
            if (!r.CompletionText.StartsWith("/sem.", StringComparison.Ordinal))
            {
                yield return r;
            }
        }
    }

    private sealed class AllShm : PosixNameCompleter
    {
        public AllShm()
            : base("/dev/shm", string.Empty)
        {
        }
    }
}

/// <summary>Existing POSIX named semaphores (/dev/shm/sem.NAME).</summary>
public sealed class SemaphoreNameCompleter : PosixNameCompleter
{
    public SemaphoreNameCompleter()
        : base("/dev/shm", "sem.")
    {
    }
}

/// <summary>Keys of existing System V objects, as ipcs prints them.</summary>
public sealed class SysVKeyCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        string kind = commandName.Contains("SharedMemory", StringComparison.OrdinalIgnoreCase) ? "SharedMemory" : "MessageQueue";
        foreach (IpcObject o in IpcObjectSource.All.Where(s => s.Kind == kind).SelectMany(s => s.List()))
        {
            if (o.Key is int key && key != 0 && pattern.IsMatch(o.KeyHex!))
            {
                yield return new CompletionResult(o.KeyHex!, o.KeyHex!, CompletionResultType.ParameterValue, $"{o} owned by {o.Owner}");
            }
        }
    }
}

/// <summary>The kinds of IPC object Get-IpcObject can list.</summary>
public sealed class IpcObjectKindCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return IpcObjectSource.Kinds.Where(pattern.IsMatch).Select(k => new CompletionResult(k, k, CompletionResultType.ParameterValue, k));
    }
}

/// <summary>The names a Remove- cmdlet takes by -Name: semaphores, queues, or shared memory and rings, by its noun.</summary>
public sealed class PosixObjectNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IArgumentCompleter names = commandName.EndsWith("Semaphore", StringComparison.OrdinalIgnoreCase) ? new SemaphoreNameCompleter()
            : commandName.EndsWith("MessageQueue", StringComparison.OrdinalIgnoreCase) ? new MessageQueueNameCompleter()
            : new SharedMemoryNameCompleter();
        return names.CompleteArgument(commandName, parameterName, wordToComplete, commandAst, fakeBoundParameters);
    }
}
