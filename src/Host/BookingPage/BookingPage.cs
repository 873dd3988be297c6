using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace Appointments.Host.BookingPage;

/// <summary>The <c>BookingPage:</c> section: whether the host serves the booking page at <c>/</c>.</summary>
internal sealed class BookingPageOptions
{
    public const string Section = "BookingPage";

    /// <summary>On in Development, off elsewhere unless set: a clinic chooses to put a page in front of its API.</summary>
    public bool Enabled { get; set; }
}

/// <summary>
/// The small booking page (docs/booking-page.md): static HTML, one script and one style sheet, embedded in the
/// host's assembly so that it is served wherever the host runs, whatever its working directory. Its script talks
/// to this host's <c>/api</c> only, so the page allows nothing but its own origin.
/// </summary>
internal static class BookingPageFiles
{
    /// <summary>Only this origin, for everything; no inline script or style, no plug-ins, no framing, no base rewrites.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void AddBookingPage(this WebApplicationBuilder builder) =>
        builder.Services.AddOptions<BookingPageOptions>()
            .Configure<IHostEnvironment>((o, environment) => o.Enabled = environment.IsDevelopment())
            .BindConfiguration(BookingPageOptions.Section)
            .ValidateOnStart();

    /// <summary>
    /// Serves <c>/</c> and the page's files while <c>BookingPage:Enabled</c>; otherwise they pass on to routing,
    /// which answers 404. The option is read per request from validated options: a value that is not a boolean
    /// refuses the start in one line instead of failing here.
    /// </summary>
    public static void UseBookingPage(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(BookingPageFiles).Assembly, "Appointments.Host.BookingPage.files");
        var enabled = app.Services.GetRequiredService<IOptions<BookingPageOptions>>();
        app.UseWhen(context => enabled.Value.Enabled && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)), page =>
        {
            page.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, DefaultFileNames = ["index.html"] });
            page.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                ContentTypeProvider = new FileExtensionContentTypeProvider(),
                OnPrepareResponse = static file => Secure(file.Context.Response.Headers),
            });
        });
    }

    private static void Secure(IHeaderDictionary headers)
    {
        // Revalidated on every load (the ETag makes that a 304): a page and its script never come from two versions.
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
    }
}
