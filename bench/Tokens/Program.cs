using System.Globalization;
using System.Text;
using Appointments.TestSupport;

// Mints access tokens shaped like the user service's (flask-jwt-extended), one per line, signed with
// JWT_SECRET_KEY, with the tests' FlaskTokens so the bench and the tests agree on the format.
//   Tokens <username> [--role <role>]    one token (an admin's seeds bookings for other patients)
//   Tokens --prefix <p> --count <n>      tokens for <p>0000 .. <p>(n-1)
// Tokens live 2 hours: long enough for a whole bench run.
var key = Environment.GetEnvironmentVariable("JWT_SECRET_KEY");
if (string.IsNullOrEmpty(key) || Encoding.UTF8.GetByteCount(key) < 32)
{
    await Console.Error.WriteLineAsync("JWT_SECRET_KEY must be set (at least 32 bytes).");
    return 2;
}

var (names, role) = args switch
{
    ["--prefix", var prefix, "--count", var count] =>
        (Enumerable.Range(0, int.Parse(count, CultureInfo.InvariantCulture)).Select(i => prefix + i.ToString("D4", CultureInfo.InvariantCulture)), null),
    [var username] => ([username], null),
    [var username, "--role", var r] => ([username], r),
    _ => ((IEnumerable<string>?)null, (string?)null),
};
if (names is null)
{
    await Console.Error.WriteLineAsync("Usage: Tokens <username> [--role <role>] | Tokens --prefix <p> --count <n>");
    return 2;
}

var output = new StringBuilder();
foreach (var name in names)
{
    output.Append(FlaskTokens.Access(name, role, key, TimeSpan.FromHours(2))).Append('\n');
}

await Console.Out.WriteAsync(output.ToString());
return 0;
