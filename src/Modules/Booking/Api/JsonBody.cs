using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Appointments.Booking.Api;

/// <summary>
/// A request body read as JSON, up to <c>Booking:MaxBodyBytes</c>, whatever its <c>Content-Type</c> says (the
/// original service's clients do not always send one). Binding never fails: a body that is too large, is not
/// JSON, nests too deep or holds text that is not Unicode is carried as its <see cref="Error"/>, so the handler
/// answers it like any other refusal. This is the one place such bodies are refused: what it lets through can be
/// read without an exception.
/// </summary>
internal sealed class JsonBody
{
    private JsonBody(JsonElement root, BookingError? error, bool isEmpty = false)
    {
        Root = root;
        Error = error;
        IsEmpty = isEmpty;
    }

    public JsonElement Root { get; }

    public BookingError? Error { get; }

    /// <summary>No body at all, which routes with an optional body accept.</summary>
    public bool IsEmpty { get; }

    /// <summary>The body's fields, or the error that kept it from being read.</summary>
    public (RequestFields? Fields, BookingError? Error) Fields() =>
        Error is null ? (RequestFields.Read(Root), null) : (null, Error);

    public static async ValueTask<JsonBody> BindAsync(HttpContext context)
    {
        var request = context.Request;
        var maxBytes = context.RequestServices.GetRequiredService<IOptions<BookingOptions>>().Value.MaxBodyBytes;
        if (request.ContentLength > maxBytes)
        {
            return new JsonBody(default, BookingError.TooLarge);
        }

        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(8192), context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return new JsonBody(default, BookingError.TooLarge);
            }
        }

        if (buffer.WrittenCount == 0)
        {
            return new JsonBody(default, BookingError.Invalid("body", "must be valid JSON"), isEmpty: true);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            return IsUnicode(document.RootElement)
                ? new JsonBody(document.RootElement.Clone(), null)
                : new JsonBody(default, BookingError.Invalid("body", "must be valid JSON in UTF-8, without lone surrogates"));
        }
        catch (JsonException)
        {
            return new JsonBody(default, BookingError.Invalid("body", "must be valid JSON"));
        }
    }

    /// <summary>
    /// Whether every string and member name can be read. The parser checks the grammar only: bytes that are not
    /// UTF-8 inside a string, and escapes of lone surrogates (<c>"\ud800"</c>), throw only when the text is read.
    /// Depth is bounded by the parser (64).
    /// </summary>
    private static bool IsUnicode(JsonElement element)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.String => element.GetString() is not null,
                JsonValueKind.Object => element.EnumerateObject().All(member => member.Name is not null && IsUnicode(member.Value)),
                JsonValueKind.Array => element.EnumerateArray().All(IsUnicode),
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
