using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Appointments.Booking.Api;

/// <summary>
/// A 200 with a kept view's JSON (<see cref="DoctorView{T}"/>), rendered from a <typeparamref name="T"/> with the
/// same options as every other answer, and declared as one for OpenAPI.
/// </summary>
internal sealed class KeptJson<T>(byte[] json) : IResult, IEndpointMetadataProvider
{
    public static KeptJson<T> Of<TView>(DoctorView<TView> view, HttpContext context, Func<TView, T> answer) =>
        new(view.Json(value => JsonSerializer.SerializeToUtf8Bytes(answer(value),
            context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions.GetTypeInfo(typeof(T)))));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = json.Length;
        return httpContext.Response.Body.WriteAsync(json, httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
