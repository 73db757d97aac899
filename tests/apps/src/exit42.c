/* The exit status reaches the host: `cella run` exits 42. */
int main(void) { return 42; }
