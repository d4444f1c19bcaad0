/*
 * h_true.c: the trivial program b_boot forks and execs, the host's
 * cheapest "start something and wait for it to finish".
 */
int
main(void)
{
	return 0;
}
