using System.Text;

namespace Appointments.Tests.DaprSidecar;

/// <summary>The pieces of Go's <c>net/url</c> and <c>path</c> that decide what an invoked method path becomes.</summary>
internal static class GoUrl
{
    private const string PathPunctuation = "$&+,/:;=@";
    private const string ValidEncodedExtras = "!$&'()*+,;=:@[]/%";

    /// <summary><c>url.PathUnescape</c>: every <c>%XX</c> decoded; a malformed escape is an error (null).</summary>
    public static string? Unescape(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
                continue;
            }

            if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
            {
                return null;
            }

            bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
            i += 2;
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary><c>path.Clean</c>: no empty, <c>.</c> or resolvable <c>..</c> elements, no trailing slash; "" is ".".</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        // A port of Go's loop: `output` is written up to `w`; `dotdot` is where ".." can no longer backtrack.
        var rooted = path[0] == '/';
        var output = new char[path.Length + 3];
        int read = 0, w = 0, dotdot = 0;
        if (rooted)
        {
            output[w++] = '/';
            read = dotdot = 1;
        }

        while (read < path.Length)
        {
            if (path[read] == '/' || (path[read] == '.' && (read + 1 == path.Length || path[read + 1] == '/')))
            {
                read++;
            }
            else if (path[read] == '.' && path[read + 1] == '.' && (read + 2 == path.Length || path[read + 2] == '/'))
            {
                read += 2;
                if (w > dotdot)
                {
                    w--;
                    while (w > dotdot && output[w] != '/')
                    {
                        w--;
                    }
                }
                else if (!rooted)
                {
                    if (w > 0)
                    {
                        output[w++] = '/';
                    }

                    output[w++] = '.';
                    output[w++] = '.';
                    dotdot = w;
                }
            }
            else
            {
                if ((rooted && w != 1) || (!rooted && w != 0))
                {
                    output[w++] = '/';
                }

                while (read < path.Length && path[read] != '/')
                {
                    output[w++] = path[read++];
                }
            }
        }

        return w == 0 ? "." : new string(output, 0, w);
    }

    /// <summary>
    /// The request path Go's HTTP client sends for a URL whose path part is <paramref name="rawPath"/>: the text as
    /// given when it is a valid encoding, else the decoded path escaped again. Null when it has a malformed escape.
    /// </summary>
    public static string? WirePath(string rawPath)
    {
        var path = Unescape(rawPath);
        if (path is null)
        {
            return null;
        }

        return rawPath.All(c => IsUnreserved(c) || ValidEncodedExtras.Contains(c, StringComparison.Ordinal))
            ? rawPath
            : string.Concat(Encoding.UTF8.GetBytes(path).Select(b =>
                IsUnreserved((char)b) || PathPunctuation.Contains((char)b, StringComparison.Ordinal) ? ((char)b).ToString() : $"%{b:X2}"));
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~';
}
