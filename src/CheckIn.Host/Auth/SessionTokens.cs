using System.Security.Claims;
using System.Text;
using CheckIn.Contracts.Bookings;
using CheckIn.Host.Api;
using CheckIn.Host.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CheckIn.Host.Auth;

/// <summary>
/// Issues and validates passenger session tokens: HMAC-SHA256 JWTs carrying the PNR, its passenger ids and its
/// flight ids. Any silo with the same <see cref="CheckInOptions.TokenSigningKey"/> accepts them.
/// </summary>
internal sealed class SessionTokens(IOptions<CheckInOptions> options, TimeProvider time)
{
    public const string Issuer = "orleans-checkin";
    public const string PnrClaim = "pnr";
    public const string PassengerClaim = "pax";
    public const string FlightClaim = "flt";

    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, DateTimeOffset ExpiresAt) Issue(BookingInfo booking)
    {
        var now = time.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
        var claims = new Dictionary<string, object>
        {
            [PnrClaim] = booking.Pnr,
            [PassengerClaim] = booking.Passengers.Select(p => p.PassengerId).ToArray(),
            [FlightClaim] = booking.Flights.Select(f => f.FlightId).ToArray(),
        };
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Issuer,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, booking.Pnr)]),
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(Key(options.Value), SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }

    /// <summary>How far a token's expiry and not-before may be off the host's clock (hosts of a cluster drift apart).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static SymmetricSecurityKey Key(CheckInOptions options) => new(Encoding.UTF8.GetBytes(options.TokenSigningKey!));

    public static void AddSessionAuthentication(IServiceCollection services)
    {
        services.AddSingleton<SessionTokens>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<CheckInOptions>, TimeProvider>((jwt, checkIn, time) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TimeProvider = time;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = Issuer,
                    ValidAudience = Issuer,
                    IssuerSigningKey = Key(checkIn.Value),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = ClockSkew,
                    // Lifetimes are judged on the injected clock that issued them (a fake one in tests). Throwing the
                    // library's own exceptions (instead of answering false) lets the challenge tell expired from forged.
                    LifetimeValidator = (notBefore, expires, _, parameters) => ValidateLifetime(notBefore, expires, time.GetUtcNow(), parameters.ClockSkew),
                };
                jwt.Events = new JwtBearerEvents { OnChallenge = ChallengeAsync };
            });
        services.AddAuthorization();
    }

    internal static bool ValidateLifetime(DateTime? notBefore, DateTime? expires, DateTimeOffset now, TimeSpan clockSkew)
    {
        var utcNow = now.UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }
        if (notBefore is { } from && from > utcNow + clockSkew)
        {
            throw new SecurityTokenNotYetValidException($"The token is not valid before {from:O}.") { NotBefore = from };
        }
        if (expires.Value <= utcNow - clockSkew)
        {
            throw new SecurityTokenExpiredException($"The token expired at {expires.Value:O}.") { Expires = expires.Value };
        }
        return true;
    }

    /// <summary>
    /// 401 with a challenge that says what went wrong: no token (<c>UNAUTHENTICATED</c>, a bare <c>Bearer</c>), an
    /// expired one (<c>SESSION_EXPIRED</c>: sign in again) or one that is not ours or not intact (<c>UNAUTHENTICATED</c>,
    /// <c>invalid_token</c>). The detail never echoes the token or the library's message.
    /// </summary>
    private static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var (code, challenge, detail) = context.AuthenticateFailure switch
        {
            null => (ProblemCodes.Unauthenticated, "Bearer",
                "Send 'Authorization: Bearer <token>' with a token from POST /api/sessions."),
            SecurityTokenExpiredException expired => (ProblemCodes.SessionExpired,
                $"Bearer error=\"invalid_token\", error_description=\"The token expired at {expired.Expires:O}\"",
                $"The session token expired at {expired.Expires:O} (tokens are accepted up to {ClockSkew.TotalSeconds:0} s past their expiresAt); start a new session with POST /api/sessions."),
            _ => (ProblemCodes.Unauthenticated, "Bearer error=\"invalid_token\", error_description=\"The token is invalid\"",
                "The bearer token is not a valid session token of this service (malformed, wrong signature, issuer or audience, or not yet valid); get one from POST /api/sessions."),
        };
        context.Response.Headers.WWWAuthenticate = challenge;
        await Problems.Create(StatusCodes.Status401Unauthorized, code, detail).ExecuteAsync(context.HttpContext);
    }
}

/// <summary>What a session token lets its bearer act on.</summary>
internal static class PassengerAccess
{
    public static string? Pnr(this ClaimsPrincipal user) => user.FindFirstValue(SessionTokens.PnrClaim);

    public static IReadOnlyList<string> PassengerIds(this ClaimsPrincipal user) =>
        [.. user.FindAll(SessionTokens.PassengerClaim).Select(c => c.Value)];

    public static bool MayActFor(this ClaimsPrincipal user, string passengerId) =>
        user.HasClaim(SessionTokens.PassengerClaim, passengerId);

    public static bool MayUseFlight(this ClaimsPrincipal user, string flightId) =>
        user.HasClaim(SessionTokens.FlightClaim, flightId);
}
