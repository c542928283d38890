using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSIpc.Commands;

/// <summary>Lets a -Signal parameter take names (TERM, SIGTERM, sigterm, RTMIN+1) or numbers, one or many.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SignalTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        try
        {
            if (value is IEnumerable list and not string)
            {
                return list.Cast<object?>().Select(SignalInfo.Parse).ToArray();
            }

            return new[] { SignalInfo.Parse(value) };
        }
        catch (ArgumentException e)
        {
            throw new ArgumentTransformationMetadataException(e.Message, e);
        }
    }
}

/// <summary>Tab completion of signal names.</summary>
public sealed class SignalCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = new WildcardPattern(word + "*", WildcardOptions.IgnoreCase);
        foreach (SignalInfo s in SignalInfo.All)
        {
            string shortName = s.Name.Substring(3);
            if (pattern.IsMatch(shortName) || pattern.IsMatch(s.Name))
            {
                string text = shortName.Contains(
                    '+', StringComparison.Ordinal) || shortName.Contains('-', StringComparison.Ordinal) ? $"'{shortName}'" : shortName;
                yield return new CompletionResult(
                    text, s.Name, CompletionResultType.ParameterValue, $"{s.Name} ({s.Number}): {s.Description}");
            }
        }
    }
}
