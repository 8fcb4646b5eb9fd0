using System.Diagnostics.CodeAnalysis;

namespace CheckIn.Contracts.Common;

/// <summary>Either a value or an expected <see cref="Common.Error"/>; exceptions are reserved for bugs and outages.</summary>
[GenerateSerializer, Immutable, Alias("checkin.Result`1")]
public sealed record Result<T>([property: Id(0)] T? Value, [property: Id(1)] Error? Error)
    where T : class
{
    /// <summary>True when the command succeeded and <see cref="Value"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>A successful result.</summary>
    public static Result<T> Ok(T value) => new(value, null);

    /// <summary>A refused command.</summary>
    public static Result<T> Fail(FailureCode code, string detail, string? field = null) => new(null, new Error(code, detail, field));

    /// <summary>A refused command carrying an existing error.</summary>
    public static Result<T> Fail(Error error) => new(null, error);
}
