FROM maven:3.9-eclipse-temurin-21 AS package
WORKDIR /build
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:21-jdk
RUN groupadd --system billing && useradd --system --gid billing --uid 65532 billing
WORKDIR /opt/billing
COPY --from=package /build/target/billing-*.jar billing.jar
USER billing
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/billing/billing.jar"]
