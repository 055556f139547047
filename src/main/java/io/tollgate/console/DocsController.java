package io.tollgate.console;

import io.tollgate.apps.Application;
import io.tollgate.apps.Applications;
import io.tollgate.metering.Feature;
import io.tollgate.metering.Features;
import io.tollgate.platform.PageQuery;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Seed 000's "Admin: API Documentation" for one app: auth guide, endpoints, examples, clients with its id. */
@Controller
class DocsController {
    private final Applications applications;
    private final Features features;
    private final String publicUrl;

    DocsController(Applications applications, Features features, @Value("${tollgate.public-url:}") String publicUrl) {
        this.applications = applications;
        this.features = features;
        this.publicUrl = publicUrl == null ? "" : publicUrl.replaceAll("/+$", "");
    }

    record Endpoint(String method, String path, String scope, String what) {}

    record Sample(String id, String language, String code) {}

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/api/v1/app", "—", "the calling app and key (a cheap way to test a key)"),
            new Endpoint("GET", "/api/v1/limits", "—", "the key's, organization's and end user's rate-limit budgets"),
            new Endpoint("POST", "/api/v1/auth/register", "users:auth", "register an end user (email and/or phone, password)"),
            new Endpoint("POST", "/api/v1/auth/login", "users:auth", "sign an end user in; answers access and refresh tokens"),
            new Endpoint("POST", "/api/v1/auth/anonymous", "users:auth", "an anonymous user for a device id, linkable later"),
            new Endpoint("GET", "/api/v1/auth/me", "users:auth", "the end user of X-User-Token"),
            new Endpoint("POST", "/api/v1/auth/refresh", "users:auth", "new tokens for a refresh token (single use)"),
            new Endpoint("POST", "/api/v1/auth/link", "users:impersonate", "link the user to a platform account (master_user_id)"),
            new Endpoint("GET", "/api/v1/content", "content:read", "published content items"),
            new Endpoint("GET", "/api/v1/content/{id}", "content:read", "one item; paid urls stay hidden"),
            new Endpoint("POST", "/api/v1/content/{id}/view", "content:read", "metered view: answers the url and the usage block"),
            new Endpoint("POST", "/api/v1/media/generate/{image|video|audio}", "media:generate", "start a generation job (credits held)"),
            new Endpoint("GET", "/api/v1/jobs/{id}", "media:generate", "a job's status and result"),
            new Endpoint("GET", "/api/v1/credits/balance", "credits:read", "the payer's credits"),
            new Endpoint("POST", "/api/v1/credits/purchase", "credits:purchase", "buy credits (sandbox, Stripe or M-Pesa)"),
            new Endpoint("GET", "/api/v1/payments/status/{id}", "payments:read", "a payment's status"),
            new Endpoint("POST", "/api/v1/customer/tokens/consume", "tokens:consume", "spend the organization's tokens (seed 001)"),
            new Endpoint("GET", "/api/v1/customer/tokens/usage", "tokens:read", "the organization's token usage this period"));

    @GetMapping("/console/apps/{id}/docs")
    String docs(@PathVariable String id, Model model) {
        Application app = applications.get(id);
        String base = (publicUrl.isEmpty() ? ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString() : publicUrl);
        List<Feature> list = features.list(id, PageQuery.of(1, PageQuery.MAX_PER_PAGE)).items();
        model.addAttribute("app", app);
        model.addAttribute("base", base);
        model.addAttribute("features", list);
        model.addAttribute("endpoints", ENDPOINTS);
        model.addAttribute("samples", samples(base, app.id()));
        return "console/docs";
    }

    /**
     * Ready-to-paste clients, each complete enough to run as it stands with TOLLGATE_API_KEY set (the
     * console tests run every one of them against a live server): who am I, an image generation, a
     * credit purchase. sandbox payments work with test keys (TOLLGATE_SANDBOX_PAYMENTS); real apps pay with
     * stripe or mpesa.
     */
    static List<Sample> samples(String base, String appId) {
        String curl = """
                # Who am I? (any key of the app)
                curl -s %1$s/api/v1/app \\
                  -H "Authorization: Bearer $TOLLGATE_API_KEY" \\
                  -H "X-App-Id: %2$s"

                # Generate an image (metered; an Idempotency-Key makes a retry be charged once: reuse it only to retry)
                curl -s -X POST %1$s/api/v1/media/generate/image \\
                  -H "Authorization: Bearer $TOLLGATE_API_KEY" \\
                  -H "X-App-Id: %2$s" \\
                  -H "Content-Type: application/json" \\
                  -H "Idempotency-Key: sunset-$(date +%%s)" \\
                  -d '{"prompt": "A beautiful sunset", "style": "realistic"}'

                # Buy 100 credits (payment_method: stripe, or mpesa with phone_number; sandbox with a test key)
                curl -s -X POST %1$s/api/v1/credits/purchase \\
                  -H "Authorization: Bearer $TOLLGATE_API_KEY" \\
                  -H "X-App-Id: %2$s" \\
                  -H "Content-Type: application/json" \\
                  -d '{"amount": 100, "payment_method": "sandbox"}'
                """.formatted(base, appId);
        String javascript = """
                // Tollgate API client (fetch: browsers, React Native, Node 18+). Run as a module: node tollgate.mjs
                class TollgateAPI {
                  constructor(apiKey, appId = '%2$s') {
                    this.apiKey = apiKey;
                    this.appId = appId;
                    this.baseURL = '%1$s/api/v1';
                  }

                  async request(endpoint, method = 'GET', body = null) {
                    const response = await fetch(`${this.baseURL}${endpoint}`, {
                      method,
                      headers: {
                        'Authorization': `Bearer ${this.apiKey}`,
                        'X-App-Id': this.appId,
                        'Content-Type': 'application/json'
                      },
                      body: body ? JSON.stringify(body) : null
                    });
                    const json = await response.json();
                    if (!json.success) throw new Error(`${json.error.code}: ${json.error.message}`);
                    return json.data;
                  }

                  getContent(contentId) { return this.request(`/content/${contentId}`); }
                  generateImage(prompt) { return this.request('/media/generate/image', 'POST', { prompt }); }
                  getJob(jobId) { return this.request(`/jobs/${jobId}`); }
                  // amount is a number of credits; paymentMethod 'stripe', or 'mpesa' with { phone_number }; 'sandbox' with a test key
                  purchaseCredits(amount, paymentMethod = 'sandbox', extra = {}) {
                    return this.request('/credits/purchase', 'POST', { amount, payment_method: paymentMethod, ...extra });
                  }
                }

                // Usage
                const api = new TollgateAPI(process.env.TOLLGATE_API_KEY);
                const job = await api.generateImage('A beautiful sunset');
                console.log('job', job.job_id, job.status);
                const payment = await api.purchaseCredits(100);
                console.log('payment', payment.id, payment.status);
                """.formatted(base, appId);
        String python = """
                import os
                import requests

                class TollgateAPI:
                    def __init__(self, api_key, app_id='%2$s'):
                        self.base_url = '%1$s/api/v1'
                        self.headers = {
                            'Authorization': f'Bearer {api_key}',
                            'X-App-Id': app_id,
                            'Content-Type': 'application/json',
                        }

                    def request(self, endpoint, method='GET', data=None):
                        response = requests.request(method, f'{self.base_url}{endpoint}', headers=self.headers, json=data, timeout=30)
                        body = response.json()
                        if not body['success']:
                            raise RuntimeError(f"{body['error']['code']}: {body['error']['message']}")
                        return body['data']

                    def get_content(self, content_id):
                        return self.request(f'/content/{content_id}')

                    def generate_image(self, prompt):
                        return self.request('/media/generate/image', 'POST', {'prompt': prompt})

                    def get_job(self, job_id):
                        return self.request(f'/jobs/{job_id}')

                    # amount is a number of credits; payment_method 'stripe', or 'mpesa' with phone_number=...; 'sandbox' with a test key
                    def purchase_credits(self, amount, payment_method='sandbox', **extra):
                        return self.request('/credits/purchase', 'POST', {'amount': amount, 'payment_method': payment_method, **extra})

                # Usage
                api = TollgateAPI(os.environ['TOLLGATE_API_KEY'])
                job = api.generate_image('A beautiful sunset')
                print('job', job['job_id'], job['status'])
                payment = api.purchase_credits(100)
                print('payment', payment['id'], payment['status'])
                """.formatted(base, appId);
        String java = """
                import java.net.URI;
                import java.net.http.HttpClient;
                import java.net.http.HttpRequest;
                import java.net.http.HttpResponse;

                public class TollgateApi {
                    private static final String BASE_URL = "%1$s/api/v1";
                    private static final String APP_ID = "%2$s";
                    private final HttpClient http = HttpClient.newHttpClient();
                    private final String apiKey;

                    public TollgateApi(String apiKey) { this.apiKey = apiKey; }

                    /** Sends a request; the answer is the JSON envelope {success, data | error, meta}. */
                    public String request(String method, String endpoint, String jsonBody) throws Exception {
                        HttpRequest request = HttpRequest.newBuilder(URI.create(BASE_URL + endpoint))
                                .header("Authorization", "Bearer " + apiKey)
                                .header("X-App-Id", APP_ID)
                                .header("Content-Type", "application/json")
                                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(jsonBody))
                                .build();
                        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
                    }

                    public static void main(String[] args) throws Exception {
                        TollgateApi api = new TollgateApi(System.getenv("TOLLGATE_API_KEY"));
                        System.out.println(api.request("POST", "/media/generate/image", "{\\"prompt\\": \\"A beautiful sunset\\"}"));
                        // amount is a number of credits; payment_method stripe, or mpesa with phone_number; sandbox with a test key
                        System.out.println(api.request("POST", "/credits/purchase", "{\\"amount\\": 100, \\"payment_method\\": \\"sandbox\\"}"));
                    }
                }
                """.formatted(base, appId);
        return List.of(new Sample("curl", "curl", curl), new Sample("javascript", "JavaScript", javascript),
                new Sample("python", "Python", python), new Sample("java", "Java", java));
    }
}
