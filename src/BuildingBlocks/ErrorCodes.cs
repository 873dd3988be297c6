namespace Appointments.BuildingBlocks;

/// <summary>
/// The machine-readable <c>code</c> of an answer the host gives before a module sees the request (its own 401, 404,
/// 413, 429, 503): every error body carries one, so clients branch on codes, never on English text.
/// </summary>
public static class ErrorCodes
{
    public static string OfStatus(int status) => status switch
    {
        400 => "invalid_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        412 => "precondition_failed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        503 => "unavailable",
        _ => status >= 500 ? "internal_error" : "error",
    };
}
