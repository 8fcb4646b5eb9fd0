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
                    ClockSkew = TimeSpan.FromSeconds(30),
                    // Lifetimes are judged on the injected clock that issued them (a fake one in tests).
                    LifetimeValidator = (notBefore, expires, _, parameters) =>
                    {
                        var now = time.GetUtcNow().UtcDateTime;
                        return (notBefore is null || notBefore.Value <= now + parameters.ClockSkew)
                            && expires is not null && expires.Value > now - parameters.ClockSkew;
                    },
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        context.Response.Headers.WWWAuthenticate = "Bearer";
                        await Problems.Create(401, ProblemCodes.Unauthenticated,
                            "Send 'Authorization: Bearer <token>' with a token from POST /api/sessions that has not expired.")
                            .ExecuteAsync(context.HttpContext);
                    },
                };
            });
        services.AddAuthorization();
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
