package escudo.node.http;

/**
 * Returned by a route handler to answer {@code 201 Created} with {@code body}, and a
 * {@code Location} header when {@code location} is not null.
 */
public record Created(Object body, String location) {

    public Created(Object body) {
        this(body, null);
    }
}
