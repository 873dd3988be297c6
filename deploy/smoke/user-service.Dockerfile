# The dev-only sample user service, for the smoke test's cluster. From the repo root:
#   docker build -f deploy/smoke/user-service.Dockerfile -t user-service:smoke .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /repo
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY samples/UserService/ samples/UserService/
RUN dotnet publish samples/UserService/Appointments.Samples.UserService.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:5002 ASPNETCORE_ENVIRONMENT=Development
EXPOSE 5002
USER $APP_UID
ENTRYPOINT ["dotnet", "Appointments.Samples.UserService.dll"]
